package dev.genloom.plugins.diffusion.sd;

import dev.genloom.api.media.Image;
import dev.genloom.spi.ModelContext;

/**
 * Decodes the latents of a step into a picture, for {@code previewEvery}: with the pipeline's own
 * VAE decoder (exact, but as slow as the final decode), or with a tiny autoencoder companion
 * named by the load option {@code preview} (TAESD family: fast, approximate).
 */
interface Previewer extends AutoCloseable {

    /** A preview of one image's latents (as the UNet sees them: scaled). */
    Image preview(float[] latents, int channels, int height, int width);

    @Override
    default void close() {
    }

    /** The companion of the load option {@code preview} where there is one, else the VAE. */
    static Previewer open(ModelContext ctx, Vae decoder, double scalingFactor) {
        return (latents, channels, height, width) -> {
            float[] x = latents.clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (x[i] / scalingFactor);
            }
            return Image.fromChw(decoder.run(x, channels, height, width), width * 8, height * 8, -1f, 1f);
        };
    }
}
