package dev.genloom.plugins.diffusion.upscale;

import dev.genloom.api.GenloomException;

/**
 * How one axis of a picture is cut into overlapping tiles, and how much each tile's output counts
 * at each output coordinate.
 *
 * <p>An axis of {@code length} pixels that fits one tile is one tile. A longer one gets the fewest
 * tiles of at most {@code tile} pixels that overlap by at least {@code overlap}:
 * {@code n = ceil((length - overlap) / (tile - overlap))}, all of the same size
 * {@code ceil((length + (n - 1) * overlap) / n)} (so no more is computed than needed), spread
 * evenly from the first pixel to the last. Sizes are rounded up to {@code multiple} (for graphs
 * that need sides divisible by 2 or 4); what a tile reaches past the picture is its edge,
 * replicated. A graph with a fixed input side gets tiles of exactly that side.
 *
 * <p>Weights (linear feathering): where two tiles overlap, the earlier tile's weight falls
 * linearly from 1 to 0 across the overlap and the later one's rises from 0 to 1, measured at pixel
 * centres; elsewhere a tile counts fully. At each output coordinate the weights of the tiles
 * covering it are normalised to sum to 1, so the blend of two tiles that agree is exact. Weights
 * are separable: the weight of a 2-D tile at (x, y) is the product of its two axes' weights.
 */
final class TileGrid {
    private final int length;
    private final int size;
    private final int scale;
    private final int[] origins;
    /** Per tile, the weight of each of its {@code size * scale} output coordinates (0 outside the picture). */
    private final float[][] weights;

    private TileGrid(int length, int size, int scale, int[] origins) {
        this.length = length;
        this.size = size;
        this.scale = scale;
        this.origins = origins;
        this.weights = weights();
    }

    /**
     * The tiles of an axis.
     *
     * @param length   the picture's side, in input pixels
     * @param tile     the most pixels of a tile's side
     * @param overlap  the least overlap of neighbouring tiles, in input pixels, below {@code tile / 2}
     * @param fixed    the graph's fixed input side, or 0 where it takes any
     * @param multiple what a tile's side must be a multiple of (1: anything)
     * @param scale    the graph's upscaling factor
     */
    static TileGrid of(int length, int tile, int overlap, int fixed, int multiple, int scale) {
        GenloomException.require(length > 0 && scale > 0 && multiple > 0, "bad tiling of " + length + " pixels");
        if (fixed > 0) {
            tile = fixed;
            overlap = Math.min(overlap, Math.max(0, (fixed - 1) / 2));
        }
        if (length <= tile) {
            int size = fixed > 0 ? fixed : roundUp(length, multiple);
            return new TileGrid(length, size, scale, new int[] {0});
        }
        int n = ceilDiv(length - overlap, tile - overlap);
        int size = fixed > 0 ? fixed : Math.min(roundUp(ceilDiv(length + (n - 1) * overlap, n), multiple),
                roundUp(tile, multiple));
        int[] origins = new int[n];
        for (int i = 0; i < n; i++) {
            origins[i] = size >= length ? 0 : (int) Math.round((double) i * (length - size) / (n - 1));
        }
        return new TileGrid(length, size, scale, origins);
    }

    private float[][] weights() {
        int n = origins.length;
        int span = size * scale;
        int outLength = length * scale;
        float[][] w = new float[n][span];
        for (int i = 0; i < n; i++) {
            int start = origins[i] * scale;
            int end = Math.min(start + span, outLength);
            int leftEnd = i > 0 ? Math.min(end, (origins[i - 1] + size) * scale) : start;
            int rightStart = i + 1 < n ? Math.max(start, origins[i + 1] * scale) : end;
            for (int p = start; p < end; p++) {
                float v = 1f;
                if (p < leftEnd) {
                    v = Math.min(v, (p - start + 0.5f) / (leftEnd - start));
                }
                if (p >= rightStart) {
                    v = Math.min(v, (end - p - 0.5f) / (end - rightStart));
                }
                w[i][p - start] = v;
            }
        }
        float[] sum = new float[outLength];
        for (int i = 0; i < n; i++) {
            int start = origins[i] * scale;
            for (int k = 0; k < span && start + k < outLength; k++) {
                sum[start + k] += w[i][k];
            }
        }
        for (int i = 0; i < n; i++) {
            int start = origins[i] * scale;
            for (int k = 0; k < span && start + k < outLength; k++) {
                w[i][k] /= sum[start + k];
            }
        }
        return w;
    }

    /** How many tiles. */
    int count() {
        return origins.length;
    }

    /** Each tile's side, in input pixels (some of it past the picture where the picture is smaller). */
    int size() {
        return size;
    }

    /** Where tile {@code i} starts, in input pixels. */
    int origin(int i) {
        return origins[i];
    }

    /** Tile {@code i}'s weight at output coordinate {@code k} of it (0 past the picture). */
    float weight(int i, int k) {
        return weights[i][k];
    }

    /** The picture's side in output pixels. */
    int outLength() {
        return length * scale;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int v, int multiple) {
        return ceilDiv(v, multiple) * multiple;
    }
}
