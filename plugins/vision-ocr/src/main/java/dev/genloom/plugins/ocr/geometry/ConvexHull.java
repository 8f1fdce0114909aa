package dev.genloom.plugins.ocr.geometry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The convex hull of a set of points (Andrew's monotone chain). */
public final class ConvexHull {
    private ConvexHull() {
    }

    /**
     * The corners of the convex hull, counter-clockwise as the numbers go (clockwise on a screen,
     * y being down), without collinear points; one or two points for degenerate sets.
     */
    public static List<Pt> of(List<Pt> points) {
        List<Pt> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(Pt::x).thenComparingDouble(Pt::y));
        List<Pt> unique = new ArrayList<>(sorted.size());
        for (Pt p : sorted) {
            if (unique.isEmpty() || !unique.get(unique.size() - 1).equals(p)) {
                unique.add(p);
            }
        }
        int n = unique.size();
        if (n <= 2) {
            return unique;
        }
        Pt[] hull = new Pt[2 * n];
        int k = 0;
        for (Pt p : unique) {
            while (k >= 2 && turn(hull[k - 2], hull[k - 1], p) <= 0) {
                k--;
            }
            hull[k++] = p;
        }
        for (int i = n - 2, lower = k + 1; i >= 0; i--) {
            Pt p = unique.get(i);
            while (k >= lower && turn(hull[k - 2], hull[k - 1], p) <= 0) {
                k--;
            }
            hull[k++] = p;
        }
        List<Pt> out = new ArrayList<>(k - 1);
        for (int i = 0; i < k - 1; i++) {
            out.add(hull[i]);
        }
        return out;
    }

    private static double turn(Pt o, Pt a, Pt b) {
        return (a.x() - o.x()) * (b.y() - o.y()) - (a.y() - o.y()) * (b.x() - o.x());
    }
}
