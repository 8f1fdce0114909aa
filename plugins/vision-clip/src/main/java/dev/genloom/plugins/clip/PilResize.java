package dev.genloom.plugins.clip;

import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;

import java.util.Arrays;

/**
 * Resizes 8-bit RGB images the way Pillow's {@code Image.resize} does (its {@code ImagingResample}):
 * a separable convolution whose filter support grows with the scale when shrinking (antialiasing),
 * coefficients normalised per output pixel and turned into 22-bit fixed point, the horizontal pass
 * first, each pass rounded and clipped to 8 bits. The reference image processors resize with Pillow,
 * so matching its arithmetic exactly gives the same pixels they feed the model.
 */
final class PilResize {
    /** Pillow's fixed-point precision for 8-bit images: 32 - 8 - 2 bits. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /** Pillow's resampling filters, by the number {@code preprocessor_config.json} gives ({@code resample}). */
    enum Filter {
        NEAREST(0, 0),
        LANCZOS(1, 3),
        BILINEAR(2, 1),
        BICUBIC(3, 2),
        BOX(4, 0.5),
        HAMMING(5, 1);

        final int pilCode;
        final double support;

        Filter(int pilCode, double support) {
            this.pilCode = pilCode;
            this.support = support;
        }

        /** The filter of Pillow's number 0..5. */
        static Filter ofPil(int code) {
            for (Filter f : values()) {
                if (f.pilCode == code) {
                    return f;
                }
            }
            throw GenloomException.invalidInput("resample " + code + " is not a Pillow filter",
                    "use 0 (nearest), 1 (lanczos), 2 (bilinear), 3 (bicubic), 4 (box) or 5 (hamming)");
        }

        double weight(double x) {
            switch (this) {
                case BOX -> {
                    return x > -0.5 && x <= 0.5 ? 1 : 0;
                }
                case BILINEAR -> {
                    double a = Math.abs(x);
                    return a < 1 ? 1 - a : 0;
                }
                case HAMMING -> {
                    double a = Math.abs(x);
                    if (a == 0) {
                        return 1;
                    }
                    if (a >= 1) {
                        return 0;
                    }
                    a *= Math.PI;
                    return Math.sin(a) / a * (0.54 + 0.46 * Math.cos(a));
                }
                case BICUBIC -> {
                    double a = -0.5;
                    double v = Math.abs(x);
                    if (v < 1) {
                        return ((a + 2) * v - (a + 3)) * v * v + 1;
                    }
                    if (v < 2) {
                        return (((v - 5) * v + 8) * v - 4) * a;
                    }
                    return 0;
                }
                case LANCZOS -> {
                    return x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
                }
                default -> throw new IllegalStateException("nearest has no filter");
            }
        }

        private static double sinc(double x) {
            if (x == 0) {
                return 1;
            }
            x *= Math.PI;
            return Math.sin(x) / x;
        }
    }

    /** The image resized to {@code width} x {@code height} with {@code filter}, as Pillow computes it. */
    static Image resize(Image image, int width, int height, Filter filter) {
        GenloomException.require(width > 0 && height > 0, "resize to a positive size, not " + width + "x" + height);
        if (width == image.width() && height == image.height()) {
            return image;
        }
        byte[] rgb = image.rgb();
        if (filter == Filter.NEAREST) {
            return new Image(width, height, nearest(rgb, image.width(), image.height(), width, height));
        }
        int w = image.width();
        int h = image.height();
        if (width != w) {
            rgb = horizontal(rgb, w, h, width, filter);
            w = width;
        }
        if (height != h) {
            rgb = vertical(rgb, w, h, height, filter);
        }
        return new Image(width, height, rgb);
    }

    /** Per output position: the first input index and the fixed-point weights of the inputs from there. */
    private record Coefficients(int[] start, int[][] weights) {
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    private static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        double ss = 1.0 / filterScale;
        int[] start = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double[] k = new double[Math.max(0, xmax)];
            double sum = 0;
            for (int x = 0; x < k.length; x++) {
                k[x] = filter.weight((x + xmin - center + 0.5) * ss);
                sum += k[x];
            }
            int[] fixed = new int[k.length];
            for (int x = 0; x < k.length; x++) {
                double v = sum != 0 ? k[x] / sum : k[x];
                fixed[x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            start[xx] = xmin;
            weights[xx] = fixed;
        }
        return new Coefficients(start, weights);
    }

    private static int clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static byte[] horizontal(byte[] in, int w, int h, int outW, Filter filter) {
        Coefficients c = coefficients(w, outW, filter);
        byte[] out = new byte[outW * h * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < outW; x++) {
                int[] k = c.weights[x];
                int p = (row + c.start[x]) * 3;
                int r = half;
                int g = half;
                int b = half;
                for (int i = 0; i < k.length; i++, p += 3) {
                    int ki = k[i];
                    r += (in[p] & 0xff) * ki;
                    g += (in[p + 1] & 0xff) * ki;
                    b += (in[p + 2] & 0xff) * ki;
                }
                int o = (y * outW + x) * 3;
                out[o] = (byte) clip8(r);
                out[o + 1] = (byte) clip8(g);
                out[o + 2] = (byte) clip8(b);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int w, int h, int outH, Filter filter) {
        Coefficients c = coefficients(h, outH, filter);
        byte[] out = new byte[w * outH * 3];
        int half = 1 << (PRECISION_BITS - 1);
        int stride = w * 3;
        int[] sums = new int[stride];
        for (int y = 0; y < outH; y++) {
            int[] k = c.weights[y];
            int first = c.start[y];
            Arrays.fill(sums, half);
            for (int i = 0; i < k.length; i++) {
                int ki = k[i];
                int base = (first + i) * stride;
                for (int j = 0; j < stride; j++) {
                    sums[j] += (in[base + j] & 0xff) * ki;
                }
            }
            int o = y * stride;
            for (int j = 0; j < stride; j++) {
                out[o + j] = (byte) clip8(sums[j]);
            }
        }
        return out;
    }

    /**
     * Pillow's nearest neighbour ({@code ImagingScaleAffine}): the input pixel under each output
     * pixel's centre, the positions accumulated step by step in double precision as Pillow does.
     */
    private static byte[] nearest(byte[] in, int w, int h, int outW, int outH) {
        byte[] out = new byte[outW * outH * 3];
        double a0 = (double) w / outW;
        double a4 = (double) h / outH;
        int[] xs = new int[outW];
        double xo = a0 * 0.5;
        for (int x = 0; x < outW; x++, xo += a0) {
            xs[x] = Math.min(w - 1, (int) xo);
        }
        double yo = a4 * 0.5;
        for (int y = 0; y < outH; y++, yo += a4) {
            int sy = Math.min(h - 1, (int) yo);
            for (int x = 0; x < outW; x++) {
                System.arraycopy(in, (sy * w + xs[x]) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return out;
    }
}
