package dev.genloom.plugins.diffusion.upscale;

import dev.genloom.api.DenoisingStep;
import dev.genloom.api.GenloomException;
import dev.genloom.api.StepListener;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.image.Planes;
import dev.genloom.plugins.diffusion.image.PixelRange;

import java.time.Duration;
import java.util.Arrays;

/**
 * Upscales a picture through an {@link UpscalerGraph} in overlapping tiles ({@link TileGrid}),
 * blending the seams by linear feathering; a picture no larger than a tile goes through in one
 * call.
 *
 * <p><b>Memory.</b> The output's floats never exist for the whole picture. Tiles are run a row of
 * tiles (a band) at a time, left to right; their weighted outputs are summed into one float buffer
 * of the band's output rows, {@code 3 x (s * tileHeight) x (s * width)} floats
 * ({@code 12 s² T W} bytes for scale {@code s}, tile side {@code T} and picture width {@code W}:
 * 48 MiB for a ×4 model, 256-pixel tiles and a 1024-pixel-wide picture). When a band is done, its
 * rows that the next band does not reach are clipped, rounded and written into the output's RGB
 * bytes, and the rows it shares with the next band are kept for it. Beyond the output bytes
 * ({@code 3 s² W H}, briefly twice as the {@link Image} takes its copy) and that buffer, a call holds one tile's input and output
 * ({@code 3 T²} and {@code 3 s² T²} floats) and what ONNX Runtime needs for one tile.
 */
final class TiledUpscaler {
    private final UpscalerGraph graph;
    private final int tile;
    private final int overlap;
    private final int multiple;

    /**
     * @param tile     the most input pixels of a tile's side
     * @param overlap  the least overlap of neighbouring tiles, in input pixels
     * @param multiple what tile sides are rounded up to
     */
    TiledUpscaler(UpscalerGraph graph, int tile, int overlap, int multiple) {
        this.graph = graph;
        this.tile = tile;
        this.overlap = overlap;
        this.multiple = multiple;
    }

    /** The tiles a picture of this size is cut into, per axis: {x, y}. */
    TileGrid[] grids(int width, int height) {
        int s = graph.scale;
        return new TileGrid[] {
                TileGrid.of(width, tile, overlap, graph.fixedWidth, multiple, s),
                TileGrid.of(height, tile, overlap, graph.fixedHeight, multiple, s)};
    }

    /** The upscaled picture, telling the listener after each tile (step {@code k} of the tiles). */
    Image upscale(Image image, StepListener listener) {
        int w = image.width();
        int h = image.height();
        int s = graph.scale;
        long outPixels = (long) w * h * s * s;
        if (outPixels > Image.MAX_PIXELS) {
            throw GenloomException.invalidInput("a " + w + "x" + h + " picture upscaled x" + s + " would be "
                    + w * s + "x" + h * s + " pixels, more than one image can hold (" + Image.MAX_PIXELS + ")",
                    "give a smaller picture");
        }
        TileGrid[] g = grids(w, h);
        TileGrid gx = g[0];
        TileGrid gy = g[1];
        byte[] rgb = image.rgb();
        int ow = w * s;
        int oh = h * s;
        byte[] out = new byte[ow * oh * 3];
        int tw = gx.size();
        int th = gy.size();
        float[] window = new float[3 * tw * th];
        float[] result = null;
        PixelRange inRange = graph.inputRange;
        PixelRange outRange = graph.outputRange;
        boolean bgr = graph.bgr;
        int total = gx.count() * gy.count();
        long start = System.nanoTime();
        if (total == 1) {
            Planes.window(rgb, w, h, 0, 0, tw, th, inRange, bgr, window);
            result = graph.run(window, th, tw, null);
            Planes.toRgb(result, tw * s, th * s, 0, 0, ow, oh, outRange, bgr, out, ow, 0, 0);
            listener.onStep(new DenoisingStep(1, 1, 0, Duration.ofNanos(System.nanoTime() - start)));
            return new Image(ow, oh, out);
        }
        int bandRows = th * s;
        int rowFloats = ow * 3;
        float[] band = new float[bandRows * rowFloats];
        int done = 0;
        for (int j = 0; j < gy.count(); j++) {
            int top = gy.origin(j) * s;
            for (int i = 0; i < gx.count(); i++) {
                Planes.window(rgb, w, h, gx.origin(i), gy.origin(j), tw, th, inRange, bgr, window);
                result = graph.run(window, th, tw, result);
                accumulate(result, gx, i, gy, j, band, ow, oh, s);
                done++;
                listener.onStep(new DenoisingStep(done, total, 0, Duration.ofNanos(System.nanoTime() - start)));
            }
            int next = j + 1 < gy.count() ? gy.origin(j + 1) * s : oh;
            int bandEnd = Math.min(oh, top + bandRows);
            writeRows(band, rowFloats, next - top, out, top, outRange, bgr);
            // the rows the next band shares move to the buffer's top
            int kept = Math.max(0, bandEnd - next);
            System.arraycopy(band, (next - top) * rowFloats, band, 0, kept * rowFloats);
            Arrays.fill(band, kept * rowFloats, band.length, 0f);
        }
        return new Image(ow, oh, out);
    }

    /** Adds tile (i, j)'s output, weighted, into the band buffer (whose first row is the tile row's top). */
    private static void accumulate(float[] result, TileGrid gx, int i, TileGrid gy, int j, float[] band, int ow,
                                   int oh, int s) {
        int tw = gx.size() * s;
        int th = gy.size() * s;
        int plane = tw * th;
        int left = gx.origin(i) * s;
        int top = gy.origin(j) * s;
        int cols = Math.min(tw, ow - left);
        int rows = Math.min(th, oh - top);
        int rowFloats = ow * 3;
        for (int y = 0; y < rows; y++) {
            float wy = gy.weight(j, y);
            if (wy == 0f) {
                continue;
            }
            int src = y * tw;
            int dst = y * rowFloats + left * 3;
            for (int x = 0; x < cols; x++, src++, dst += 3) {
                float wgt = wy * gx.weight(i, x);
                band[dst] += wgt * result[src];
                band[dst + 1] += wgt * result[plane + src];
                band[dst + 2] += wgt * result[2 * plane + src];
            }
        }
    }

    /** Writes the band buffer's first {@code rows} rows as RGB bytes at output row {@code top}. */
    private static void writeRows(float[] band, int rowFloats, int rows, byte[] out, int top, PixelRange range,
                                  boolean bgr) {
        int base = top * rowFloats;
        for (int k = 0; k < rows * rowFloats; k += 3) {
            int r = range.sample(band[k]);
            int g = range.sample(band[k + 1]);
            int b = range.sample(band[k + 2]);
            out[base + k] = (byte) (bgr ? b : r);
            out[base + k + 1] = (byte) g;
            out[base + k + 2] = (byte) (bgr ? r : b);
        }
    }
}
