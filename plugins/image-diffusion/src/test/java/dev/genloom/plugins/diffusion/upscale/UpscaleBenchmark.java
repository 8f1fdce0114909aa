package dev.genloom.plugins.diffusion.upscale;

import dev.genloom.api.ImageToImage;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareEncoder;

import java.nio.file.Path;
import java.util.Map;

/**
 * Times an upscaler against a bare ONNX Runtime run of the same file ({@link UpscaleBench}), not a
 * unit test: {@code java -cp ... UpscaleBenchmark MODELS_DIR [model] [threads] [side] [tile ...]},
 * MODELS_DIR being what {@code GENLOOM_TEST_MODELS} names; the picture is the centre
 * {@code side x side} crop of {@code taef2/landscape.jpg}. Defaults: esrgan-slim-x4, 2 threads, 512,
 * tiles 256 and one tile of the whole picture.
 */
public final class UpscaleBenchmark {
    private UpscaleBenchmark() {
    }

    public static void main(String[] args) {
        Path models = Path.of(args[0]);
        String model = args.length > 1 ? args[1] : "esrgan-slim-x4";
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int side = args.length > 3 ? Integer.parseInt(args[3]) : 512;
        int[] tiles = args.length > 4 ? new int[args.length - 4] : new int[] {256, side};
        for (int i = 4; i < args.length; i++) {
            tiles[i - 4] = Integer.parseInt(args[i]);
        }
        Image photo = Image.read(models.resolve("taef2/landscape.jpg"));
        Image picture = Reference.crop(photo, (photo.width() - side) / 2, (photo.height() - side) / 2, side, side);
        Path folder = models.resolve(model);
        try (Genloom host = Genloom.builder().environment(Map.of()).device("cpu").threads(threads).build();
             BareEncoder bare = host.bareEncoder(folder.toString())) {
            for (int tile : tiles) {
                ImageToImage m = (ImageToImage) host.model(folder.toString(), "upscaler", Map.of("tile", tile));
                UpscaleBench.Figures f = UpscaleBench.measure(m, bare, picture, 1, 3);
                System.out.printf("%s, cpu, %d intra-op threads, tile %d (overlap %d): %s%n", model, threads, tile,
                        Upscaler.DEFAULT_OVERLAP, f);
            }
        }
    }
}
