package dev.genloom.plugins.ocr.geometry;

import java.util.ArrayList;
import java.util.List;

/**
 * Grows a text box the way DB (differentiable binarisation) post-processing does: the shrunk
 * kernel the network marks is offset outwards by {@code area * ratio / perimeter}, with round
 * corners, and the rectangle of least area around the result is the text's box.
 */
public final class Unclip {
    /** Points on each rounded corner: one every 10 degrees at most. */
    private static final double ARC_STEP = Math.toRadians(10);

    private Unclip() {
    }

    /** How far a polygon is grown: {@code area * ratio / perimeter} (0 for a polygon of no length). */
    public static double distance(List<Pt> polygon, double ratio) {
        double perimeter = Polygons.perimeter(polygon);
        return perimeter == 0 ? 0 : Polygons.area(polygon) * ratio / perimeter;
    }

    /**
     * The outline of a convex polygon offset outwards by {@code distance}: each edge moved out along
     * its normal, and an arc of radius {@code distance} round each corner (as points on it).
     */
    public static List<Pt> offset(List<Pt> convexPolygon, double distance) {
        List<Pt> hull = ConvexHull.of(convexPolygon);
        int n = hull.size();
        List<Pt> out = new ArrayList<>();
        if (n == 1) {
            Pt c = hull.get(0);
            for (double a = 0; a < 2 * Math.PI; a += ARC_STEP) {
                out.add(c.plus(new Pt(Math.cos(a), Math.sin(a)).times(distance)));
            }
            return out;
        }
        // the hull turns one way; its outward normal of edge (a, b) is then the same side for all edges
        double orientation = 0;
        for (int i = 0; i < n; i++) {
            orientation += hull.get(i).cross(hull.get((i + 1) % n));
        }
        double side = orientation >= 0 ? 1 : -1;
        for (int i = 0; i < n; i++) {
            Pt prev = hull.get((i - 1 + n) % n);
            Pt p = hull.get(i);
            Pt next = hull.get((i + 1) % n);
            double a0 = normalAngle(prev, p, side);
            double a1 = normalAngle(p, next, side);
            double sweep = a1 - a0;
            while (sweep < 0) {
                sweep += 2 * Math.PI;
            }
            if (n == 2 && sweep == 0) {
                sweep = Math.PI; // the two ends of a segment: half circles
            }
            int steps = Math.max(1, (int) Math.ceil(sweep / ARC_STEP));
            for (int s = 0; s <= steps; s++) {
                double a = a0 + sweep * s / steps;
                out.add(p.plus(new Pt(Math.cos(a), Math.sin(a)).times(distance)));
            }
        }
        return out;
    }

    /** The angle of the outward normal of edge (a, b). */
    private static double normalAngle(Pt a, Pt b, double side) {
        Pt e = b.minus(a);
        // for a hull turning with positive orientation (x right, y up), outward is (e.y, -e.x)
        return Math.atan2(-e.x() * side, e.y() * side);
    }

    /**
     * The box of a DB kernel: the polygon offset by {@link #distance(List, double)} and the
     * rectangle of least area around that.
     */
    public static RotatedRect box(List<Pt> polygon, double ratio) {
        return MinAreaRect.of(offset(polygon, distance(polygon, ratio)));
    }
}
