package dev.genloom.api;

/** Told after each denoising step of an image generation: steps done so far, and of how many. */
@FunctionalInterface
public interface StepListener {
    /** A listener that ignores the steps. */
    StepListener NONE = (step, total) -> { };

    /** Told that {@code step} of {@code totalSteps} denoising steps are done. */
    void onStep(int step, int totalSteps);
}
