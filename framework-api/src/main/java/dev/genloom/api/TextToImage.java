package dev.genloom.api;

import dev.genloom.api.media.Image;

import java.util.List;

/**
 * Text-to-image: a diffusion model that draws what the prompt says. (Each modality's methods have
 * names of their own, so that one model can offer several.)
 */
public interface TextToImage extends Model {

    /**
     * Draws {@link ImageOptions#count()} pictures of the prompt (image {@code i} from noise of seed
     * {@code seed + i}), telling the listener after each denoising step.
     */
    List<Image> generateImages(String prompt, ImageOptions options, StepListener listener);

    /** Draws the prompt (one picture: the first where the options ask for several). */
    default Image generateImage(String prompt, ImageOptions options, StepListener listener) {
        return generateImages(prompt, options.toBuilder().count(1).build(), listener).get(0);
    }

    /** Draws the prompt with these options. */
    default Image generateImage(String prompt, ImageOptions options) {
        return generateImage(prompt, options, StepListener.NONE);
    }

    /** Draws the prompt with the default options. */
    default Image generateImage(String prompt) {
        return generateImage(prompt, ImageOptions.defaults(), StepListener.NONE);
    }
}
