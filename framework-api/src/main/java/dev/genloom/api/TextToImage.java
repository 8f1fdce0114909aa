package dev.genloom.api;

import dev.genloom.api.media.Image;

/**
 * Text-to-image: a diffusion model that draws what the prompt says. (Each modality's methods have
 * names of their own, so that one model can offer several.)
 */
public interface TextToImage extends Model {

    /** Draws the prompt, telling the listener after each denoising step. */
    Image generateImage(String prompt, ImageOptions options, StepListener listener);

    /** Draws the prompt with these options. */
    default Image generateImage(String prompt, ImageOptions options) {
        return generateImage(prompt, options, StepListener.NONE);
    }

    /** Draws the prompt with the default options. */
    default Image generateImage(String prompt) {
        return generateImage(prompt, ImageOptions.defaults(), StepListener.NONE);
    }
}
