package dev.genloom.plugins.ocr.image;

import dev.genloom.plugins.ocr.geometry.Homography;
import dev.genloom.plugins.ocr.geometry.Pt;

import java.util.List;

/**
 * Cuts a text line out of an image: the quadrilateral around it is mapped onto an upright
 * rectangle (a perspective transform) of a fixed height, its width following the quadrilateral's
 * aspect ratio, and sampled bilinearly; where the line is shrunk, several samples per output pixel
 * are averaged. As PaddleOCR does, a crop much taller than wide (height / width at least 1.5) is
 * turned by 90 degrees counter-clockwise, so that vertical text lies along the line.
 */
public final class LineCropper {
    /** How much taller than wide a quadrilateral is before it is turned by 90 degrees. */
    static final double TALL = 1.5;
    private static final int MAX_SUPERSAMPLING = 4;

    private final int height;

    /** A cropper making lines of this height (48 for PP-OCR recognition). */
    public LineCropper(int height) {
        if (height < 1) {
            throw new IllegalArgumentException("line height must be positive, got " + height);
        }
        this.height = height;
    }

    /** The height of the lines it makes. */
    public int height() {
        return height;
    }

    /**
     * The corners of a quadrilateral in the order the crop reads them: as given, or, for one at
     * least 1.5 times taller than wide, turned by a quarter (top-right, bottom-right, bottom-left,
     * top-left), so that the first corner is the top-left of the text as it is read.
     */
    public static List<Pt> asRead(List<Pt> quad) {
        double w = Math.max(quad.get(0).distance(quad.get(1)), quad.get(3).distance(quad.get(2)));
        double h = Math.max(quad.get(0).distance(quad.get(3)), quad.get(1).distance(quad.get(2)));
        return w > 0 && h / w >= TALL ? List.of(quad.get(1), quad.get(2), quad.get(3), quad.get(0)) : quad;
    }

    /**
     * The line inside the quadrilateral {@code quad} (top-left, top-right, bottom-right,
     * bottom-left, in the image's pixels).
     */
    public LineImage crop(Pixels image, List<Pt> quad) {
        List<Pt> q = asRead(quad);
        double w = Math.max(1, Math.max(q.get(0).distance(q.get(1)), q.get(3).distance(q.get(2))));
        double h = Math.max(1, Math.max(q.get(0).distance(q.get(3)), q.get(1).distance(q.get(2))));
        int outW = Math.max(1, (int) Math.ceil(height * w / h - 1e-9)); // not one more for a rounding error
        Homography toImage = Homography.mapping(
                List.of(new Pt(0, 0), new Pt(outW, 0), new Pt(outW, height), new Pt(0, height)), q);
        int n = Math.max(1, Math.min(MAX_SUPERSAMPLING, (int) Math.ceil(h / height)));
        float[] planes = new float[3 * outW * height];
        double[] at = new double[2];
        double[] rgb = new double[3];
        double[] sum = new double[3];
        int plane = outW * height;
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < outW; u++) {
                sum[0] = sum[1] = sum[2] = 0;
                for (int sv = 0; sv < n; sv++) {
                    for (int su = 0; su < n; su++) {
                        toImage.apply(u + (su + 0.5) / n, v + (sv + 0.5) / n, at);
                        // the quadrilateral's outline runs round pixel edges: centres are half a pixel in
                        image.bilinear(at[0] - 0.5, at[1] - 0.5, rgb);
                        sum[0] += rgb[0];
                        sum[1] += rgb[1];
                        sum[2] += rgb[2];
                    }
                }
                int p = v * outW + u;
                double k = 1.0 / (n * n);
                planes[p] = (float) (sum[0] * k);
                planes[plane + p] = (float) (sum[1] * k);
                planes[2 * plane + p] = (float) (sum[2] * k);
            }
        }
        return new LineImage(outW, height, planes);
    }
}
