package dev.genloom.api;

import dev.genloom.api.media.Image;

import java.time.Duration;

/**
 * One finished denoising step, as a {@link StepListener} is told of it.
 *
 * @param step       steps done so far, from 1
 * @param totalSteps steps this generation runs
 * @param timestep   the scheduler's timestep of this step (on the model's 0..1000 training scale)
 * @param elapsed    time since the generation started, prompt encoding included
 * @param preview    the picture so far (the first image of a batch), or null where none was asked
 *                   for this step
 */
public record DenoisingStep(int step, int totalSteps, double timestep, Duration elapsed, Image preview) {

    /** A step without preview. */
    public DenoisingStep(int step, int totalSteps, double timestep, Duration elapsed) {
        this(step, totalSteps, timestep, elapsed, null);
    }

    /** Whether this step carries a preview. */
    public boolean hasPreview() {
        return preview != null;
    }
}
