package dev.genloom.plugins.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLIP pre-processing against a separate implementation written here from the reference's
 * formulas: the output size of {@code get_resize_output_image_size}, Pillow's resampling (filter
 * weights over a support that grows with the scale when shrinking, normalised, in 22-bit fixed
 * point, the horizontal pass first, each pass rounded to 8 bits), {@code center_crop}, rescale and
 * normalise. Pixel values agree to 1e-3 on random pictures, shrunk and enlarged, with each filter.
 */
class ClipPreprocessingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Image random(int w, int h, long seed) {
        Random r = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        // smooth gradients plus noise: both the flat and the busy parts of real pictures
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (x * 255 / Math.max(1, w - 1));
                rgb[i + 1] = (byte) (y * 255 / Math.max(1, h - 1));
                rgb[i + 2] = (byte) r.nextInt(256);
            }
        }
        return new Image(w, h, rgb);
    }

    static ImageProcessor processor(String json) throws Exception {
        return ImageProcessor.fromConfig(JSON.readTree(json), "preprocessor_config.json");
    }

    // ---------------------------------------------------------------- the reference, written out

    static double kernel(int resample, double x) {
        double a = Math.abs(x);
        switch (resample) {
            case 2:
                return a < 1 ? 1 - a : 0;
            case 3: {
                // Keys' cubic with a = -0.5, as Pillow has it
                if (a < 1) {
                    return 1.5 * a * a * a - 2.5 * a * a + 1;
                }
                if (a < 2) {
                    return -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2;
                }
                return 0;
            }
            case 1:
                if (a >= 3) {
                    return 0;
                }
                return a == 0 ? 1 : 3 * Math.sin(Math.PI * a) * Math.sin(Math.PI * a / 3) / (Math.PI * Math.PI * a * a);
            case 4:
                return x > -0.5 && x <= 0.5 ? 1 : 0;
            case 5:
                if (a >= 1) {
                    return 0;
                }
                return a == 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a) * (0.54 + 0.46 * Math.cos(Math.PI * a));
            default:
                throw new IllegalArgumentException();
        }
    }

    static double support(int resample) {
        return switch (resample) {
            case 1 -> 3;
            case 2, 5 -> 1;
            case 3 -> 2;
            case 4 -> 0.5;
            default -> throw new IllegalArgumentException();
        };
    }

    /** One 8-bit pass along a line of {@code in} samples to {@code out} samples, as ImagingResample does it. */
    static int[] resampleLine(int[] in, int outSize, int resample) {
        int inSize = in.length;
        double scale = (double) inSize / outSize;
        double fs = Math.max(1, scale);
        double sup = support(resample) * fs;
        int[] out = new int[outSize];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int lo = (int) (center - sup + 0.5);
            if (lo < 0) {
                lo = 0;
            }
            int hi = (int) (center + sup + 0.5);
            if (hi > inSize) {
                hi = inSize;
            }
            double total = 0;
            double[] w = new double[hi - lo];
            for (int i = lo; i < hi; i++) {
                w[i - lo] = kernel(resample, (i - center + 0.5) * (1.0 / fs));
                total += w[i - lo];
            }
            long acc = 1 << 21;
            for (int i = lo; i < hi; i++) {
                double k = total == 0 ? w[i - lo] : w[i - lo] / total;
                int fixed = (int) (k < 0 ? k * (1 << 22) - 0.5 : k * (1 << 22) + 0.5);
                acc += (long) in[i] * fixed;
            }
            out[o] = (int) Math.max(0, Math.min(255, acc >> 22));
        }
        return out;
    }

    /** Pillow's resize of one channel plane [h][w] to [outH][outW]: along rows, then along columns. */
    static int[][] resizePlane(int[][] plane, int outW, int outH, int resample) {
        int h = plane.length;
        int w = plane[0].length;
        int[][] rows = plane;
        if (outW != w) {
            rows = new int[h][];
            for (int y = 0; y < h; y++) {
                rows[y] = resampleLine(plane[y], outW, resample);
            }
        }
        if (outH == h) {
            return rows;
        }
        int[][] out = new int[outH][outW];
        for (int x = 0; x < outW; x++) {
            int[] col = new int[h];
            for (int y = 0; y < h; y++) {
                col[y] = rows[y][x];
            }
            int[] r = resampleLine(col, outH, resample);
            for (int y = 0; y < outH; y++) {
                out[y][x] = r[y];
            }
        }
        return out;
    }

    /** CLIPImageProcessor's pixel_values for one picture, computed from scratch. */
    static float[] reference(Image image, int shortest, int cropW, int cropH, int resample, double[] mean, double[] std) {
        int w = image.width();
        int h = image.height();
        int newW;
        int newH;
        if (w <= h) {
            newW = shortest;
            newH = (int) (shortest * (double) h / w);
        } else {
            newH = shortest;
            newW = (int) (shortest * (double) w / h);
        }
        float[] out = new float[3 * cropW * cropH];
        for (int c = 0; c < 3; c++) {
            int[][] plane = new int[h][w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    plane[y][x] = image.rgbAt(x, y) >> (16 - 8 * c) & 0xff;
                }
            }
            int[][] r = newW == w && newH == h ? plane : resample == 0 ? nearest(plane, newW, newH)
                    : resizePlane(plane, newW, newH, resample);
            // center_crop: pad to at least the crop with zeros, centred, then crop the middle
            int padH = Math.max(cropH, newH);
            int padW = Math.max(cropW, newW);
            int padTop = (padH - newH) / 2;
            int padLeft = (padW - newW) / 2;
            int top = (int) ((padH - cropH) / 2.0);
            int left = (int) ((padW - cropW) / 2.0);
            for (int y = 0; y < cropH; y++) {
                for (int x = 0; x < cropW; x++) {
                    int py = y + top - padTop;
                    int px = x + left - padLeft;
                    int v = py >= 0 && py < newH && px >= 0 && px < newW ? r[py][px] : 0;
                    out[c * cropW * cropH + y * cropW + x] = (float) ((v / 255.0 - mean[c]) / std[c]);
                }
            }
        }
        return out;
    }

    /** Pillow's nearest neighbour: source positions stepped from half a step in, in double precision. */
    static int[][] nearest(int[][] plane, int outW, int outH) {
        int h = plane.length;
        int w = plane[0].length;
        int[][] out = new int[outH][outW];
        double stepY = (double) h / outH;
        double stepX = (double) w / outW;
        double sy = stepY / 2;
        for (int y = 0; y < outH; y++) {
            double sx = stepX / 2;
            for (int x = 0; x < outW; x++) {
                out[y][x] = plane[(int) sy][(int) sx];
                sx += stepX;
            }
            sy += stepY;
        }
        return out;
    }

    // ---------------------------------------------------------------- the tests

    @ParameterizedTest(name = "{0}x{1} -> shortest {2}, crop {3}x{4}, resample {5}")
    @CsvSource({
            "100, 80, 32, 32, 32, 3",  // shrink, bicubic (CLIP's default)
            "80, 100, 32, 32, 32, 3",
            "20, 30, 32, 32, 32, 3",   // enlarge
            "237, 61, 24, 24, 24, 3",  // strong shrink of a wide picture; long side rounded down
            "64, 64, 64, 64, 64, 3",   // the size already: no resampling
            "64, 64, 32, 40, 40, 3",   // crop larger than the resized picture: black padding
            "90, 50, 30, 20, 30, 3",   // non-square crop
            "100, 80, 32, 32, 32, 2",  // bilinear
            "100, 80, 32, 32, 32, 1",  // lanczos
            "100, 80, 32, 32, 32, 4",  // box
            "100, 80, 32, 32, 32, 5",  // hamming
            "33, 47, 64, 64, 64, 1",   // lanczos enlarging (negative lobes, clipping)
            "100, 80, 32, 32, 32, 0",  // nearest
    })
    void pixelValuesMatchTheReference(int w, int h, int shortest, int cropW, int cropH, int resample) throws Exception {
        ImageProcessor p = processor("{\"size\": {\"shortest_edge\": " + shortest + "}, \"crop_size\": {\"height\": "
                + cropH + ", \"width\": " + cropW + "}, \"resample\": " + resample + ", \"image_mean\": [0.48145466, "
                + "0.4578275, 0.40821073], \"image_std\": [0.26862954, 0.26130258, 0.27577711], \"rescale_factor\": "
                + "0.00392156862745098}");
        Image image = random(w, h, w * 31L + h);
        float[] got = p.toTensor(image);
        float[] want = reference(image, shortest, cropW, cropH, resample, ImageProcessor.CLIP_MEAN, ImageProcessor.CLIP_STD);
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-3, "value " + i);
        }
    }

    @Test
    void theResizedSizeRoundsTheLongSideDown() throws Exception {
        ImageProcessor p = processor("{\"size\": {\"shortest_edge\": 224}}");
        assertArrayEquals(new int[] {224, 298}, p.resizedSize(480, 640));   // 224 * 640 / 480 = 298.67
        assertArrayEquals(new int[] {390, 224}, p.resizedSize(1000, 573));  // 224 * 1000 / 573 = 390.9
        assertEquals(224, p.width());
        assertEquals(224, p.height());
    }

    @Test
    void sizeAsANumberAndDefaults() throws Exception {
        ImageProcessor p = processor("{\"size\": 48, \"crop_size\": 40}");
        assertEquals(48, p.shortestEdge());
        assertEquals(40, p.width());
        assertEquals(PilResize.Filter.BICUBIC, p.filter());
        assertArrayEquals(ImageProcessor.CLIP_MEAN, p.mean());
        ImageProcessor plain = processor("{\"do_normalize\": false, \"do_rescale\": false, \"size\": {\"shortest_edge\": 2}, "
                + "\"crop_size\": 2}");
        byte[] rgb = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
        float[] t = plain.toTensor(new Image(2, 2, rgb));
        assertArrayEquals(new float[] {10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120}, t);
    }

    @Test
    void anExactSizeIsResizedToWithoutACrop() throws Exception {
        ImageProcessor p = processor("{\"size\": {\"height\": 24, \"width\": 30}, \"resample\": 2, "
                + "\"image_mean\": [0.5, 0.5, 0.5], \"image_std\": [0.5, 0.5, 0.5]}");
        assertEquals(30, p.width());
        assertEquals(24, p.height());
        Image image = random(50, 70, 3);
        float[] got = p.toTensor(image);
        // the reference's resize to (30, 24) is its shortest-edge resize of a picture already that shape
        Image resized = p.resized(image);
        float[] want = reference(resized, 24, 30, 24, 2, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6);
        }
        int[][] plane = new int[70][50];
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 50; x++) {
                plane[y][x] = image.rgbAt(x, y) >> 8 & 0xff;
            }
        }
        int[][] green = resizePlane(plane, 30, 24, 2);
        assertEquals((green[5][7] / 255.0 - 0.5) / 0.5, got[30 * 24 + 5 * 30 + 7], 1e-3);
    }

    @Test
    void aBadConfigIsRefusedNamingTheFile() {
        GenloomException e = assertThrows(GenloomException.class, () -> processor("{\"resample\": 9}"));
        assertTrue(e.getMessage().contains("preprocessor_config.json") && e.getMessage().contains("resample 9"),
                e.getMessage());
        e = assertThrows(GenloomException.class, () -> processor("{\"image_std\": [0.2, 0, 0.3]}"));
        assertTrue(e.getMessage().contains("image_std"), e.getMessage());
    }

    @Test
    void heldOutPicturesOfTheToyModelGiveTheReferencePixelSums() throws Exception {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the toy-clip-shapes pixel sums");
        java.nio.file.Path folder = java.nio.file.Path.of(dir, "toy-clip-shapes");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(folder), "no " + folder);
        ImageProcessor p = ImageProcessor.fromConfig(JSON.readTree(folder.resolve("preprocessor_config.json").toFile()),
                "preprocessor_config.json");
        JsonNode expected = JSON.readTree(folder.resolve("heldout/expected_outputs.json").toFile());
        for (JsonNode im : expected.path("images")) {
            Image image = Image.read(folder.resolve("heldout").resolve(im.path("file").asText()));
            // the toy model's pictures are 64x64 already; enlarged to 96 they go through the bicubic filter
            float[] got = new ImageProcessor(true, 96, 0, 0, PilResize.Filter.BICUBIC, true, 96, 96, 1 / 255.0,
                    ImageProcessor.CLIP_MEAN, ImageProcessor.CLIP_STD).toTensor(image);
            float[] want = reference(image, 96, 96, 96, 3, ImageProcessor.CLIP_MEAN, ImageProcessor.CLIP_STD);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-3);
            }
            double sum = 0;
            for (float v : p.toTensor(image)) {
                sum += v;
            }
            assertEquals(im.path("pixel_values_sum").asDouble(), sum, 0.05, im.path("file").asText());
        }
    }
}
