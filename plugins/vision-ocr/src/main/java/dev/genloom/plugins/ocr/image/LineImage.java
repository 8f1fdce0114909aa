package dev.genloom.plugins.ocr.image;

/**
 * A cropped text line: red, green and blue planes (0..255) of {@code height} rows of {@code width}
 * samples. Immutable.
 */
public final class LineImage {
    private final int width;
    private final int height;
    private final float[] planes;

    /** A line from its planes, {@code 3 * width * height} samples (all reds, all greens, all blues). */
    public LineImage(int width, int height, float[] planes) {
        if (width < 1 || height < 1 || planes.length != 3 * width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " line needs " + 3 * width * height
                    + " samples, got " + planes.length);
        }
        this.width = width;
        this.height = height;
        this.planes = planes;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** Sample {@code c} (0 red, 1 green, 2 blue) at (x, y). */
    public float at(int x, int y, int c) {
        return planes[(c * height + y) * width + x];
    }

    /** Columns {@code from} to {@code from + width - 1} of the line. */
    public LineImage window(int from, int width) {
        if (from < 0 || width < 1 || from + width > this.width) {
            throw new IllegalArgumentException("columns " + from + " + " + width + " are outside a line of width "
                    + this.width);
        }
        float[] out = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(planes, (c * height + y) * this.width + from, out, (c * height + y) * width, width);
            }
        }
        return new LineImage(width, height, out);
    }

    /** The line turned by 180 degrees. */
    public LineImage rotated180() {
        float[] out = new float[planes.length];
        int plane = width * height;
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                out[c * plane + p] = planes[c * plane + plane - 1 - p];
            }
        }
        return new LineImage(width, height, out);
    }

    /**
     * Writes the line into a batch tensor of {@code 3 x height x tensorWidth}, at {@code offset},
     * as PaddleOCR's recognition and classifier inputs have it: channels in blue, green, red order
     * (PaddleOCR reads pictures with OpenCV), each sample {@code (v / 255 - 0.5) / 0.5}, the line
     * squeezed to {@code tensorWidth} where wider (bilinear, along x) and the rest of each row left
     * as it is (0, the padding).
     */
    public void writeNormalised(float[] tensor, int offset, int tensorWidth) {
        int w = Math.min(width, tensorWidth);
        double scale = (double) width / w;
        for (int c = 0; c < 3; c++) {
            int source = 2 - c; // BGR
            for (int y = 0; y < height; y++) {
                int row = offset + (c * height + y) * tensorWidth;
                int from = (source * height + y) * width;
                for (int x = 0; x < w; x++) {
                    float v;
                    if (w == width) {
                        v = planes[from + x];
                    } else {
                        double sx = Math.max(0, Math.min(width - 1, (x + 0.5) * scale - 0.5));
                        int x0 = (int) sx;
                        int x1 = Math.min(width - 1, x0 + 1);
                        double f = sx - x0;
                        v = (float) (planes[from + x0] * (1 - f) + planes[from + x1] * f);
                    }
                    tensor[row + x] = (v / 255f - 0.5f) / 0.5f;
                }
            }
        }
    }
}
