package dev.genloom.plugins.diffusion.codec;

import dev.genloom.api.ImageToImage;
import dev.genloom.api.Model;
import dev.genloom.plugins.diffusion.image.PixelRange;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * TAESD-family tiny autoencoders as a codec: a folder with {@code <name>_encoder.onnx} and
 * {@code <name>_decoder.onnx} ({@code taesd_}, {@code taesdxl_}, {@code taef1_}, {@code taef2_}...).
 * Its image-to-image is the round trip, encode then decode ({@link TinyAutoencoder}).
 *
 * <p>Load options: {@code prefix} (which pair, where the folder has several), {@code input_range}
 * (the pixel range of both graphs, default {@code 0..1}).
 */
@Extension
public final class AutoencoderFamily implements ModelFamily {

    @Override
    public String name() {
        return "autoencoder";
    }

    @Override
    public String description() {
        return "TAESD-family tiny autoencoders (taesd, taef2, ...): encode → decode round trip of a picture";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(ImageToImage.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        List<String> files = folder.files();
        return files.stream()
                .filter(f -> f.indexOf('/') < 0 && f.endsWith("_encoder.onnx"))
                .map(f -> f.substring(0, f.length() - "_encoder.onnx".length()))
                .filter(p -> files.contains(p + "_decoder.onnx"))
                .findFirst()
                .map(p -> p + "_encoder.onnx + " + p + "_decoder.onnx");
    }

    @Override
    public Model load(ModelContext context) {
        String prefix = context.option("prefix", String.class).orElse(null);
        PixelRange range = context.option("input_range", String.class)
                .map(t -> PixelRange.parse(t, "load option 'input_range' of model " + context.info().name()))
                .orElse(PixelRange.UNIT);
        TinyAutoencoder codec = TinyAutoencoder.open(context.sessions(), context.folder().path(), prefix, range);
        return new AutoencoderModel(context.info(), codec);
    }
}
