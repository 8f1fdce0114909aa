package dev.genloom.runtime.pipeline;

/**
 * Told how a pipeline run goes, step by step; a CLI draws progress bars from it. Called from the
 * pool's threads, several at once where steps run in parallel. A listener that throws is logged
 * and otherwise ignored: it never fails a run.
 */
public interface PipelineListener {
    PipelineListener NONE = new PipelineListener() {
    };

    /** The step starts (before its model is acquired). */
    default void stepStarted(Step step) {
    }

    /** The step's task reports progress: {@code done} of {@code total} units. */
    default void stepProgress(Step step, long done, long total) {
    }

    /** The step ended well after {@code nanos} of wall time. */
    default void stepFinished(Step step, long nanos) {
    }

    /** The step failed; the run fails with it. */
    default void stepFailed(Step step, Throwable error) {
    }
}
