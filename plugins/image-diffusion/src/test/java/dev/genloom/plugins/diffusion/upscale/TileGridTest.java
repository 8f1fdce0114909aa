package dev.genloom.plugins.diffusion.upscale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiling of one axis: tiles cover the picture, are no larger than asked, overlap at least as
 * asked, and their weights sum to 1 at every output coordinate, falling linearly across overlaps.
 */
class TileGridTest {

    @ParameterizedTest
    @CsvSource({"101, 24, 4, 1, 2", "512, 256, 16, 1, 4", "77, 24, 4, 4, 1", "300, 48, 8, 1, 3", "40, 256, 16, 1, 2",
            "257, 256, 16, 1, 1"})
    void tilesCoverOverlapAndTheirWeightsSumToOne(int length, int tile, int overlap, int multiple, int scale) {
        TileGrid g = TileGrid.of(length, tile, overlap, 0, multiple, scale);
        int n = g.count();
        assertTrue(g.size() <= Math.max(tile, 0) + multiple - 1 && g.size() % multiple == 0, "size " + g.size());
        assertEquals(0, g.origin(0));
        assertTrue(g.origin(n - 1) + g.size() >= length, "the last tile reaches the end");
        if (length <= tile) {
            assertEquals(1, n);
        } else {
            assertEquals((length - overlap + tile - overlap - 1) / (tile - overlap), n);
        }
        for (int i = 1; i < n; i++) {
            int shared = g.origin(i - 1) + g.size() - g.origin(i);
            assertTrue(shared >= overlap, "tiles " + (i - 1) + " and " + i + " share " + shared + " pixels");
        }
        for (int p = 0; p < length * scale; p++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                int k = p - g.origin(i) * scale;
                if (k >= 0 && k < g.size() * scale) {
                    sum += g.weight(i, k);
                }
            }
            assertEquals(1.0, sum, 1e-5, "at output coordinate " + p);
        }
    }

    @ParameterizedTest
    @CsvSource({"100, 60, 10, 2"})
    void weightsRampLinearlyAcrossTheOverlap(int length, int tile, int overlap, int scale) {
        TileGrid g = TileGrid.of(length, tile, overlap, 0, 1, scale);
        assertEquals(2, g.count());
        // two tiles of ceil((100 + 10) / 2) = 55 pixels at 0 and 45: they share 10 input pixels, 20 output ones
        assertEquals(55, g.size());
        assertEquals(45, g.origin(1));
        int a = 45 * scale;
        int width = 10 * scale;
        for (int p = a; p < a + width; p++) {
            double later = (p - a + 0.5) / width;
            assertEquals(later, g.weight(1, p - a), 1e-6);
            assertEquals(1 - later, g.weight(0, p), 1e-6);
        }
        assertEquals(1.0, g.weight(0, a - 1), 0);
        assertEquals(1.0, g.weight(1, width), 0);
    }
}
