package dev.genloom.api;

import dev.genloom.api.media.Image;

/**
 * Image-to-image: a picture in, a picture out. A diffusion model redraws it after a prompt
 * (img2img, or inpainting inside a mask); an upscaler enlarges it; an autoencoder that is only a
 * codec gives its round trip (encode, decode).
 */
public interface ImageToImage extends Model {

    /** Turns the picture into another, telling the listener after each denoising step (if any). */
    Image transformImage(Image image, ImageToImageOptions options, StepListener listener);

    /** Turns the picture into another with these options. */
    default Image transformImage(Image image, ImageToImageOptions options) {
        return transformImage(image, options, StepListener.NONE);
    }

    /** Turns the picture into another with the default options. */
    default Image transformImage(Image image) {
        return transformImage(image, ImageToImageOptions.defaults(), StepListener.NONE);
    }
}
