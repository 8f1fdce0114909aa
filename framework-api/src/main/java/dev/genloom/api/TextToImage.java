package dev.genloom.api;

import dev.genloom.api.media.Image;

/** Text-to-image: a diffusion model that draws what the prompt says. */
public interface TextToImage extends Model {

    /** Draws the prompt, telling the listener after each denoising step. */
    Image generate(String prompt, ImageOptions options, StepListener listener);

    default Image generate(String prompt, ImageOptions options) {
        return generate(prompt, options, StepListener.NONE);
    }

    default Image generate(String prompt) {
        return generate(prompt, ImageOptions.defaults(), StepListener.NONE);
    }
}
