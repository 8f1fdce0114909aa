package dev.genloom.plugins.diffusion.codec;

import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.StepListener;
import dev.genloom.api.media.Image;

/**
 * A tiny autoencoder loaded as a model: its image-to-image is {@link TinyAutoencoder#roundTrip},
 * the picture encoded and decoded, at the size it came in (options do not apply).
 */
final class AutoencoderModel implements ImageToImage {
    private final ModelInfo info;
    private final TinyAutoencoder codec;

    AutoencoderModel(ModelInfo info, TinyAutoencoder codec) {
        this.info = info;
        this.codec = codec;
    }

    @Override
    public Image transformImage(Image image, ImageToImageOptions options, StepListener listener) {
        GenloomException.require(image != null, "no picture to encode");
        return codec.roundTrip(image);
    }

    /** The codec, for callers that want the latents. */
    TinyAutoencoder codec() {
        return codec;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        codec.close();
    }
}
