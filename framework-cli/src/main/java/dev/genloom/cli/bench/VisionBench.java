package dev.genloom.cli.bench;

import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.Model;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareEncoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Image and text embedding speed of a CLIP-like model: images per second and texts per second at
 * each batch size through the framework ({@link ImageEmbedder#embedImages}, {@link
 * TextEmbedder#embedTexts}: pre-processing, tokenising and the session call), against the family's
 * bare ONNX Runtime encoders ({@link Genloom#bareEncoder}: the session call alone, on inputs made
 * beforehand) over the same pictures and texts, in one process; the medians of rounds that run
 * both, alternating which goes first, after a warm-up.
 */
public final class VisionBench {

    /** The figures at one batch size: items per second, framework and bare. */
    public record Row(int batch, double imagesPerSecond, double bareImagesPerSecond, double textsPerSecond,
                      double bareTextsPerSecond) {
    }

    private VisionBench() {
    }

    /**
     * Times every batch size; {@code images} are cycled to fill a batch.
     *
     * @param images the pictures (null or empty: synthetic 640x480 ones)
     */
    public static List<Row> measure(Genloom genloom, String model, List<Image> images, int[] batches, int repeats) {
        int largest = Arrays.stream(batches).max().orElse(1);
        List<Image> pictures = images == null || images.isEmpty() ? synthetic(4, 640, 480) : images;
        Model m = genloom.model(model, null, Map.of("batch_size", largest));
        ImageEmbedder ie = (ImageEmbedder) m;
        TextEmbedder te = (TextEmbedder) m;
        List<Row> rows = new ArrayList<>();
        try (BareEncoder bare = genloom.bareEncoder(model)) {
            for (int n : batches) {
                List<Image> batch = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    batch.add(pictures.get(i % pictures.size()));
                    texts.add(TEXTS[i % TEXTS.length]);
                }
                double[] img;
                try (BareEncoder.Call call = bare.images(batch)) {
                    img = alternate(repeats, () -> {
                        long t = System.nanoTime();
                        ie.embedImages(batch, EmbeddingOptions.defaults());
                        return System.nanoTime() - t;
                    }, call::run);
                }
                double[] txt;
                try (BareEncoder.Call call = bare.texts(texts)) {
                    txt = alternate(repeats, () -> {
                        long t = System.nanoTime();
                        te.embedTexts(texts, EmbeddingOptions.defaults());
                        return System.nanoTime() - t;
                    }, call::run);
                }
                double bareImg = img[1];
                double bareTxt = txt[1];
                rows.add(new Row(n, n * 1e9 / img[0], n * 1e9 / bareImg, n * 1e9 / txt[0], n * 1e9 / bareTxt));
            }
        }
        return rows;
    }

    /** Short captions of different lengths, as zero-shot prompts are. */
    static final String[] TEXTS = {"a photo of a cat", "a photo of a dog on a sofa", "a diagram",
            "a red car parked in front of an old stone house", "two people walking on a beach at sunset",
            "a bowl of fruit", "a screenshot of a spreadsheet", "a black and white photo of a city street at night"};

    @FunctionalInterface
    private interface Timed {
        long nanos();
    }

    /**
     * One warm-up of each, then {@code repeats} rounds that run both, the first of the two
     * alternating, so that a change in the machine's load falls on both alike; the medians in
     * nanoseconds, framework first.
     */
    private static double[] alternate(int repeats, Timed framework, Timed bare) {
        framework.nanos();
        bare.nanos();
        int n = Math.max(1, repeats);
        long[] f = new long[n];
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                f[i] = framework.nanos();
                b[i] = bare.nanos();
            } else {
                b[i] = bare.nanos();
                f[i] = framework.nanos();
            }
        }
        Arrays.sort(f);
        Arrays.sort(b);
        return new double[] {f[n / 2], b[n / 2]};
    }

    /** Deterministic pictures with smooth gradients and noise. */
    public static List<Image> synthetic(int count, int width, int height) {
        SplittableRandom r = new SplittableRandom(7);
        List<Image> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            byte[] rgb = new byte[width * height * 3];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int i = (y * width + x) * 3;
                    rgb[i] = (byte) (x * 255 / width + k * 40);
                    rgb[i + 1] = (byte) (y * 255 / height);
                    rgb[i + 2] = (byte) r.nextInt(256);
                }
            }
            out.add(new Image(width, height, rgb));
        }
        return out;
    }
}
