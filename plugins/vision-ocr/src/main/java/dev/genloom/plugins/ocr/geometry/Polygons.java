package dev.genloom.plugins.ocr.geometry;

import java.util.List;

/** Area, perimeter and point-in-polygon tests of simple polygons. */
public final class Polygons {
    private Polygons() {
    }

    /** The area (shoelace formula), whichever way the polygon turns. */
    public static double area(List<Pt> polygon) {
        double twice = 0;
        for (int i = 0, n = polygon.size(); i < n; i++) {
            twice += polygon.get(i).cross(polygon.get((i + 1) % n));
        }
        return Math.abs(twice) / 2;
    }

    /** The length of the closed outline. */
    public static double perimeter(List<Pt> polygon) {
        double sum = 0;
        for (int i = 0, n = polygon.size(); i < n; i++) {
            sum += polygon.get(i).distance(polygon.get((i + 1) % n));
        }
        return sum;
    }

    /**
     * Whether a point lies inside a convex polygon or within {@code tolerance} of its outline
     * (either turning direction).
     */
    public static boolean insideConvex(List<Pt> polygon, double px, double py, double tolerance) {
        int n = polygon.size();
        double sign = 0;
        for (int i = 0; i < n; i++) {
            Pt a = polygon.get(i);
            Pt b = polygon.get((i + 1) % n);
            double ex = b.x() - a.x();
            double ey = b.y() - a.y();
            double len = Math.hypot(ex, ey);
            if (len == 0) {
                continue;
            }
            // signed distance of the point from the edge's line
            double d = (ex * (py - a.y()) - ey * (px - a.x())) / len;
            if (sign == 0 && Math.abs(d) > tolerance) {
                sign = Math.signum(d);
            } else if (sign != 0 && d * sign < -tolerance) {
                return false;
            }
        }
        return true;
    }
}
