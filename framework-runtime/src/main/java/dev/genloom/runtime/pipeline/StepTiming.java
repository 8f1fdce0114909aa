package dev.genloom.runtime.pipeline;

/**
 * When and where a step ran.
 *
 * @param step        the step's name
 * @param startNanos  when it started, in nanoseconds after the run started
 * @param wallNanos   how long it took, waiting for its model included
 * @param modelNanos  of that, how long it waited to acquire its model (loading it, or waiting for
 *                    another step that was loading it)
 * @param thread      the name of the thread it ran on
 */
public record StepTiming(String step, long startNanos, long wallNanos, long modelNanos, String thread) {

    /** When it ended, in nanoseconds after the run started. */
    public long endNanos() {
        return startNanos + wallNanos;
    }
}
