package dev.genloom.plugins.ocr.geometry;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outer contours against boundaries worked out from the masks by a different rule. */
class ContoursTest {

    /** The pixels of a region with no holes that have a 4-neighbour outside it (or are at the map's edge). */
    static Set<Long> boundary(boolean[] mask, int w, int h) {
        Set<Long> out = new HashSet<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!mask[y * w + x]) {
                    continue;
                }
                boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !mask[y * w + x - 1]
                        || !mask[y * w + x + 1] || !mask[(y - 1) * w + x] || !mask[(y + 1) * w + x];
                if (edge) {
                    out.add(key(x, y));
                }
            }
        }
        return out;
    }

    static long key(int x, int y) {
        return (long) x << 32 | y;
    }

    static Set<Long> points(int[] contour) {
        Set<Long> out = new HashSet<>();
        for (int i = 0; i < contour.length; i += 2) {
            out.add(key(contour[i], contour[i + 1]));
        }
        return out;
    }

    /** Each step of a contour goes to one of the 8 neighbours, and the last comes back next to the first. */
    static void connected(int[] c) {
        int n = c.length / 2;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            int dx = Math.abs(c[2 * i] - c[2 * j]);
            int dy = Math.abs(c[2 * i + 1] - c[2 * j + 1]);
            assertTrue(n == 1 || (dx <= 1 && dy <= 1 && dx + dy > 0), "step " + i + " of the contour jumps");
        }
    }

    @Test
    void aFilledRectangleIsTracedRoundItsEdge() {
        int w = 12;
        int h = 9;
        boolean[] m = new boolean[w * h];
        for (int y = 3; y <= 5; y++) {
            for (int x = 2; x <= 6; x++) {
                m[y * w + x] = true;
            }
        }
        List<int[]> contours = Contours.outer(m, w, h, 10);
        assertEquals(1, contours.size());
        int[] c = contours.get(0);
        assertEquals(2 * (5 + 3) - 4, c.length / 2, "each pixel of the edge once");
        assertEquals(boundary(m, w, h), points(c));
        connected(c);
        assertEquals(2, c[0]);
        assertEquals(3, c[1]);
        // clockwise on screen: from the top-left corner along the top edge first
        assertEquals(3, c[2]);
        assertEquals(3, c[3]);
        List<Pt> hull = ConvexHull.of(Contours.points(c));
        assertEquals(Set.of(new Pt(2, 3), new Pt(6, 3), new Pt(6, 5), new Pt(2, 5)), new HashSet<>(hull));
    }

    @Test
    void discsAndTurnedRectanglesHaveTheirWholeBoundaryTraced() {
        Random random = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int w = 60;
            int h = 50;
            boolean[] m = new boolean[w * h];
            double cx = 15 + random.nextDouble() * 30;
            double cy = 15 + random.nextDouble() * 20;
            double a = random.nextDouble() * Math.PI;
            double hw = 3 + random.nextDouble() * 12;
            double hh = 1 + random.nextDouble() * 8;
            boolean disc = trial % 2 == 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double dx = x - cx;
                    double dy = y - cy;
                    double u = dx * Math.cos(a) + dy * Math.sin(a);
                    double v = -dx * Math.sin(a) + dy * Math.cos(a);
                    m[y * w + x] = disc ? dx * dx + dy * dy <= hw * hw : Math.abs(u) <= hw && Math.abs(v) <= hh;
                }
            }
            List<int[]> contours = Contours.outer(m, w, h, 10);
            // a thin turned rectangle may fall apart into pieces at 8-connectivity; compare when it has not
            if (contours.size() != 1) {
                continue;
            }
            assertEquals(boundary(m, w, h), points(contours.get(0)), "trial " + trial);
            connected(contours.get(0));
        }
    }

    @Test
    void aHoleIsNotTracedAndRegionsComeInRasterOrder() {
        int w = 20;
        int h = 12;
        boolean[] m = new boolean[w * h];
        // a ring: 7 x 7 square with a 3 x 3 hole, and a single pixel and a diagonal line after it
        for (int y = 2; y <= 8; y++) {
            for (int x = 2; x <= 8; x++) {
                m[y * w + x] = !(x >= 4 && x <= 6 && y >= 4 && y <= 6);
            }
        }
        m[1 * w + 15] = true;
        for (int i = 0; i < 5; i++) {
            m[(5 + i) * w + 12 + i] = true;
        }
        List<int[]> contours = Contours.outer(m, w, h, 10);
        assertEquals(3, contours.size());
        assertEquals(15, contours.get(0)[0], "the single pixel is first in raster order");
        assertEquals(1, contours.get(0).length / 2);
        int[] ring = contours.get(1);
        Set<Long> outer = new HashSet<>();
        for (int i = 2; i <= 8; i++) {
            outer.add(key(i, 2));
            outer.add(key(i, 8));
            outer.add(key(2, i));
            outer.add(key(8, i));
        }
        assertEquals(outer, points(ring), "the outer edge only, not the hole's");
        int[] line = contours.get(2);
        Set<Long> diagonal = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            diagonal.add(key(12 + i, 5 + i));
        }
        assertEquals(diagonal, points(line));
        assertEquals(8, line.length / 2, "a one-pixel line is walked there and back");
        assertEquals(2, Contours.outer(m, w, h, 2).size(), "at most the limit");
    }
}
