package dev.genloom.plugins.ocr.geometry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The outer contours of the regions of a binary map: each 8-connected region of set pixels is
 * found in raster order and its outer boundary traced (Moore-neighbour tracing, stopped by Jacob's
 * criterion: on coming back to the start pixel and leaving it the way it was first left).
 * Contour points are pixel indices (x, y); holes are not traced.
 */
public final class Contours {
    /** The 8 neighbours, clockwise on screen from east: E, SE, S, SW, W, NW, N, NE. */
    private static final int[] DX = {1, 1, 0, -1, -1, -1, 0, 1};
    private static final int[] DY = {0, 1, 1, 1, 0, -1, -1, -1};
    private static final int WEST = 4;

    private Contours() {
    }

    /**
     * The outer contour of each region, at most {@code limit} of them, in the order of each
     * region's first pixel in raster order (top to bottom, left to right).
     *
     * @param mask   {@code width * height} flags, row by row
     * @param width  the map's width
     * @param height the map's height
     * @param limit  the most contours to answer
     */
    public static List<int[]> outer(boolean[] mask, int width, int height, int limit) {
        if (mask.length != width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " map needs " + width * height
                    + " flags, got " + mask.length);
        }
        boolean[] seen = new boolean[mask.length];
        List<int[]> out = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < mask.length && out.size() < limit; i++) {
            if (!mask[i] || seen[i]) {
                continue;
            }
            out.add(trace(mask, width, height, i % width, i / width));
            // mark the whole region, so that it is traced once
            seen[i] = true;
            queue.add(i);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                int px = p % width;
                int py = p / width;
                for (int d = 0; d < 8; d++) {
                    int nx = px + DX[d];
                    int ny = py + DY[d];
                    if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
                        int q = ny * width + nx;
                        if (mask[q] && !seen[q]) {
                            seen[q] = true;
                            queue.add(q);
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The outer boundary from a start pixel whose west neighbour (and every pixel above) is unset:
     * the pixel indices as {@code x0, y0, x1, y1, ...}, clockwise on screen.
     */
    static int[] trace(boolean[] mask, int width, int height, int sx, int sy) {
        IntList points = new IntList();
        points.add(sx, sy);
        int cx = sx;
        int cy = sy;
        int back = WEST; // the direction from the current pixel to the last unset pixel looked at
        int firstX = Integer.MIN_VALUE;
        int firstY = Integer.MIN_VALUE;
        while (true) {
            int found = -1;
            for (int i = 1; i <= 8; i++) {
                int d = (back + i) & 7;
                if (set(mask, width, height, cx + DX[d], cy + DY[d])) {
                    found = d;
                    break;
                }
            }
            if (found < 0) {
                return points.toArray(); // a single pixel
            }
            // the neighbour looked at just before the one found is unset: the next backtrack
            int prev = (found + 7) & 7;
            int bx = cx + DX[prev];
            int by = cy + DY[prev];
            int nx = cx + DX[found];
            int ny = cy + DY[found];
            if (firstX == Integer.MIN_VALUE) {
                firstX = nx;
                firstY = ny;
            } else if (cx == sx && cy == sy && nx == firstX && ny == firstY) {
                points.removeLast(); // the start, added again on coming back to it
                return points.toArray();
            }
            cx = nx;
            cy = ny;
            back = direction(bx - cx, by - cy);
            points.add(cx, cy);
        }
    }

    private static boolean set(boolean[] mask, int width, int height, int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x];
    }

    private static int direction(int dx, int dy) {
        for (int d = 0; d < 8; d++) {
            if (DX[d] == dx && DY[d] == dy) {
                return d;
            }
        }
        throw new IllegalStateException("not a neighbour: " + dx + ", " + dy);
    }

    /** The points of a contour as a list. */
    public static List<Pt> points(int[] contour) {
        List<Pt> out = new ArrayList<>(contour.length / 2);
        for (int i = 0; i < contour.length; i += 2) {
            out.add(new Pt(contour[i], contour[i + 1]));
        }
        return out;
    }

    /** A growable list of int pairs. */
    private static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int x, int y) {
            if (n + 2 > a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = x;
            a[n++] = y;
        }

        void removeLast() {
            n -= 2;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
