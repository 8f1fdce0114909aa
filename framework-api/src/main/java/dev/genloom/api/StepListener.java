package dev.genloom.api;

import java.time.Duration;
import java.util.Map;

/**
 * Told after each denoising step of an image generation: which step, at what noise level, how
 * long it has taken, and, where {@link ImageOptions#previewEvery()} asked for one, a preview of the
 * picture so far.
 */
@FunctionalInterface
public interface StepListener {
    /** A listener that ignores the steps. */
    StepListener NONE = step -> { };

    /** Told that a denoising step is done. */
    void onStep(DenoisingStep step);

    /**
     * Told once at the end how long each part of the model took in all, by part name
     * ({@code text_encoder}, {@code unet}, {@code vae_decoder}, ...), in the order they ran. The
     * default ignores it.
     */
    default void onDone(Map<String, Duration> timeByPart) {
    }

    /** A listener that only wants the count: {@code done} of {@code total} steps. */
    static StepListener counting(Counter counter) {
        return step -> counter.update(step.step(), step.totalSteps());
    }

    /** Steps done of steps in all. */
    @FunctionalInterface
    interface Counter {
        /** {@code done} of {@code total} steps are done. */
        void update(int done, int total);
    }
}
