package dev.genloom.plugins.diffusion.image;

/**
 * Moves pixels between interleaved RGB bytes (an {@link dev.genloom.api.media.Image}'s) and the
 * planar float tensors ({@code 3 x h x w}, CHW) image graphs take, one window at a time, so that a
 * caller never needs the whole picture as floats.
 */
public final class Planes {
    private Planes() {
    }

    /**
     * The window of {@code w x h} pixels at {@code (x0, y0)} of an RGB picture as a CHW tensor in
     * {@code range}. Coordinates outside the picture read its nearest edge pixel (the picture is
     * padded by replicating its border), so a window may be larger than the picture.
     *
     * @param rgb    the picture's interleaved RGB bytes, row by row
     * @param width  its width
     * @param height its height
     * @param bgr    whether the tensor's channels are blue, green, red instead
     * @param out    where to write, at least {@code 3 * w * h} floats
     */
    public static void window(byte[] rgb, int width, int height, int x0, int y0, int w, int h, PixelRange range,
                              boolean bgr, float[] out) {
        float scale = (range.hi() - range.lo()) / 255f;
        float lo = range.lo();
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            int sy = Math.min(height - 1, Math.max(0, y0 + y));
            int row = sy * width;
            for (int x = 0; x < w; x++) {
                int sx = Math.min(width - 1, Math.max(0, x0 + x));
                int src = (row + sx) * 3;
                int dst = y * w + x;
                float r = lo + (rgb[src] & 0xff) * scale;
                float g = lo + (rgb[src + 1] & 0xff) * scale;
                float b = lo + (rgb[src + 2] & 0xff) * scale;
                out[dst] = bgr ? b : r;
                out[plane + dst] = g;
                out[2 * plane + dst] = bgr ? r : b;
            }
        }
    }

    /**
     * The samples of a CHW float tensor ({@code 3 x h x w}, values in {@code range}) as interleaved
     * RGB bytes: clipped to the range and rounded. Only the window {@code cw x ch} at
     * {@code (cx, cy)} of the tensor is written, at {@code (dx, dy)} of the destination.
     *
     * @param chw       the tensor
     * @param w         its width
     * @param h         its height
     * @param dst       the destination RGB bytes, {@code dstWidth} pixels a row
     * @param dstWidth  the destination's width
     */
    public static void toRgb(float[] chw, int w, int h, int cx, int cy, int cw, int ch, PixelRange range,
                             boolean bgr, byte[] dst, int dstWidth, int dx, int dy) {
        int plane = w * h;
        for (int y = 0; y < ch; y++) {
            int src = (cy + y) * w + cx;
            int out = ((dy + y) * dstWidth + dx) * 3;
            for (int x = 0; x < cw; x++, src++, out += 3) {
                int r = range.sample(chw[src]);
                int g = range.sample(chw[plane + src]);
                int b = range.sample(chw[2 * plane + src]);
                dst[out] = (byte) (bgr ? b : r);
                dst[out + 1] = (byte) g;
                dst[out + 2] = (byte) (bgr ? r : b);
            }
        }
    }
}
