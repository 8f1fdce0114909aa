package dev.genloom.api;

/** Told after each denoising step of an image generation: steps done so far, and of how many. */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (step, total) -> { };

    void onStep(int step, int totalSteps);
}
