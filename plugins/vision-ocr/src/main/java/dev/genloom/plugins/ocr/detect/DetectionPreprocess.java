package dev.genloom.plugins.ocr.detect;

import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;

/**
 * The DB detector's pre-processing, as PaddleOCR's {@code DetResizeForTest} (limit type and side)
 * and {@code NormalizeImage} do it: the image is resized (bilinearly, as OpenCV's
 * {@code INTER_LINEAR}) so that its sides keep within the limit and are multiples of 32 (at least
 * 32), each sample scaled to [0, 1] and normalised with mean 0.485, 0.456, 0.406 and std 0.229,
 * 0.224, 0.225, channels in blue, green, red order (PaddleOCR reads pictures with OpenCV, and
 * applies the means in that order).
 */
public final class DetectionPreprocess {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int MULTIPLE = 32;

    private final int limitSide;
    private final LimitType limitType;

    /**
     * @param limitSide the side limit in pixels (PaddleOCR's {@code det_limit_side_len}, 960)
     * @param limitType how it applies (PaddleOCR's {@code det_limit_type}, {@code max})
     */
    public DetectionPreprocess(int limitSide, LimitType limitType) {
        GenloomException.require(limitSide >= MULTIPLE, "the detection side limit must be at least " + MULTIPLE
                + " pixels, got " + limitSide);
        this.limitSide = limitSide;
        this.limitType = limitType;
    }

    /** The tensor's size for an image of this size: {@code {width, height}}. */
    public int[] size(int width, int height) {
        double ratio = 1;
        if (limitType == LimitType.MAX) {
            int longer = Math.max(width, height);
            if (longer > limitSide) {
                ratio = (double) limitSide / longer;
            }
        } else {
            int shorter = Math.min(width, height);
            if (shorter < limitSide) {
                ratio = (double) limitSide / shorter;
            }
        }
        return new int[] {multiple((int) (width * ratio)), multiple((int) (height * ratio))};
    }

    /** Rounds to the nearest multiple of 32 (halves to even, as Python's round does), at least 32. */
    private static int multiple(int side) {
        return Math.max((int) Math.rint(side / (double) MULTIPLE) * MULTIPLE, MULTIPLE);
    }

    /** The detector's input for an image. */
    public DetectionInput apply(Image image) {
        int w = image.width();
        int h = image.height();
        int[] size = size(w, h);
        int tw = size[0];
        int th = size[1];
        byte[] rgb = image.rgb();
        // OpenCV's bilinear resize: source centre (d + 0.5) * scale - 0.5, clamped at the edges
        int[] x0 = new int[tw];
        int[] x1 = new int[tw];
        float[] fx = new float[tw];
        taps(w, tw, x0, x1, fx);
        int[] y0 = new int[th];
        int[] y1 = new int[th];
        float[] fy = new float[th];
        taps(h, th, y0, y1, fy);
        int plane = tw * th;
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int source = 2 - c; // BGR
            float m = MEAN[c];
            float s = STD[c];
            for (int y = 0; y < th; y++) {
                int r0 = y0[y] * w;
                int r1 = y1[y] * w;
                float wy = fy[y];
                for (int x = 0; x < tw; x++) {
                    float a = rgb[(r0 + x0[x]) * 3 + source] & 0xff;
                    float b = rgb[(r0 + x1[x]) * 3 + source] & 0xff;
                    float d = rgb[(r1 + x0[x]) * 3 + source] & 0xff;
                    float e = rgb[(r1 + x1[x]) * 3 + source] & 0xff;
                    float top = a + (b - a) * fx[x];
                    float bottom = d + (e - d) * fx[x];
                    float v = top + (bottom - top) * wy;
                    chw[c * plane + y * tw + x] = (v / 255f - m) / s;
                }
            }
        }
        return new DetectionInput(chw, tw, th, w, h);
    }

    private static void taps(int from, int to, int[] i0, int[] i1, float[] f) {
        double scale = (double) from / to;
        for (int d = 0; d < to; d++) {
            double s = (d + 0.5) * scale - 0.5;
            if (s < 0) {
                s = 0;
            }
            int a = (int) Math.floor(s);
            if (a >= from - 1) {
                a = from - 1;
                s = a;
            }
            i0[d] = a;
            i1[d] = Math.min(from - 1, a + 1);
            f[d] = (float) (s - a);
        }
    }
}
