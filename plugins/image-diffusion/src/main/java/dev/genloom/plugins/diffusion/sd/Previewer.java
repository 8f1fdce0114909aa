package dev.genloom.plugins.diffusion.sd;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.codec.TinyAutoencoder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Decodes the latents of a step into a picture, for {@code previewEvery}: with a tiny autoencoder
 * companion named by the load option {@code preview} (TAESD family, by model name or folder: fast,
 * approximate; it decodes the UNet's latents as they are), else with the pipeline's own VAE
 * decoder (exact, but as slow as the final decode).
 */
interface Previewer extends AutoCloseable {

    /** A preview of one image's latents (as the UNet sees them: scaled). */
    Image preview(float[] latents, int channels, int height, int width);

    /** Whether a preview is the picture itself (the pipeline's own VAE), so the last one need not be decoded twice. */
    default boolean exact() {
        return false;
    }

    @Override
    default void close() {
    }

    /** The companion of the load option {@code preview} where there is one, else the VAE. */
    static Previewer open(ModelContext ctx, Vae decoder, double scalingFactor) {
        Optional<String> named = ctx.option("preview", String.class);
        if (named.isPresent()) {
            Path folder = companion(ctx, named.get());
            TinyAutoencoder taesd = TinyAutoencoder.open(ctx.sessions(), folder);
            return new Previewer() {
                @Override
                public Image preview(float[] latents, int channels, int height, int width) {
                    return taesd.decode(latents, channels, height, width);
                }

                @Override
                public void close() {
                    taesd.close();
                }
            };
        }
        return new Previewer() {
            @Override
            public Image preview(float[] latents, int channels, int height, int width) {
                return decoder.decode(latents, scalingFactor, channels, height, width);
            }

            @Override
            public boolean exact() {
                return true;
            }
        };
    }

    /** The folder of the preview companion: a folder path, or a model name in the model directories. */
    private static Path companion(ModelContext ctx, String name) {
        Path asPath = Path.of(name);
        if (asPath.isAbsolute() && Files.isDirectory(asPath)) {
            return asPath;
        }
        return ctx.companion(name).map(ModelFolder::path).orElseThrow(() -> new GenloomException(
                ErrorKind.MODEL_NOT_FOUND, "the preview model '" + name + "' (load option preview) is not in the "
                        + "model directories", "put a TAESD folder (taesd_decoder.onnx) there, give its absolute "
                        + "path, or leave the option out to preview with the VAE"));
    }
}
