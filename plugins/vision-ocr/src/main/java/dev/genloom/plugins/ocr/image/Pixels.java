package dev.genloom.plugins.ocr.image;

import dev.genloom.api.media.Image;

/**
 * An image's samples for sampling between pixels: pixel (i, j) has its centre at (i, j), and
 * points outside the image take the nearest edge pixel (as OpenCV's replicated border).
 */
public final class Pixels {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /** The samples of an image (copied once). */
    public Pixels(Image image) {
        this.width = image.width();
        this.height = image.height();
        this.rgb = image.rgb();
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** Sample {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255; (x, y) must be inside. */
    public int at(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /**
     * The red, green and blue at (x, y), interpolated bilinearly between the four nearest pixel
     * centres, into {@code out[0..2]}.
     */
    public void bilinear(double x, double y, double[] out) {
        double cx = Math.max(0, Math.min(width - 1, x));
        double cy = Math.max(0, Math.min(height - 1, y));
        int x0 = (int) Math.floor(cx);
        int y0 = (int) Math.floor(cy);
        int x1 = Math.min(width - 1, x0 + 1);
        int y1 = Math.min(height - 1, y0 + 1);
        double fx = cx - x0;
        double fy = cy - y0;
        int i00 = (y0 * width + x0) * 3;
        int i01 = (y0 * width + x1) * 3;
        int i10 = (y1 * width + x0) * 3;
        int i11 = (y1 * width + x1) * 3;
        for (int c = 0; c < 3; c++) {
            double top = (rgb[i00 + c] & 0xff) * (1 - fx) + (rgb[i01 + c] & 0xff) * fx;
            double bottom = (rgb[i10 + c] & 0xff) * (1 - fx) + (rgb[i11 + c] & 0xff) * fx;
            out[c] = top * (1 - fy) + bottom * fy;
        }
    }
}
