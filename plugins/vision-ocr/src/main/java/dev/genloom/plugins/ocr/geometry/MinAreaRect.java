package dev.genloom.plugins.ocr.geometry;

import java.util.List;

/**
 * The rectangle of least area around a set of points, at any angle: one of its sides lies on an
 * edge of the points' convex hull (Freeman and Shapira), so rotating calipers over the hull's
 * edges find it.
 */
public final class MinAreaRect {
    private MinAreaRect() {
    }

    /**
     * The smallest rectangle holding every point; for one point a rectangle of size 0, for points on
     * a line a rectangle of height 0 along it.
     *
     * @throws IllegalArgumentException for no points
     */
    public static RotatedRect of(List<Pt> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no points");
        }
        List<Pt> hull = ConvexHull.of(points);
        int n = hull.size();
        if (n == 1) {
            Pt p = hull.get(0);
            return new RotatedRect(List.of(p, p, p, p), 0, 0);
        }
        double best = Double.MAX_VALUE;
        RotatedRect rect = null;
        for (int i = 0; i < n; i++) {
            Pt a = hull.get(i);
            Pt b = hull.get((i + 1) % n);
            Pt edge = b.minus(a);
            double len = edge.length();
            if (len == 0) {
                continue;
            }
            Pt u = edge.times(1 / len);
            Pt v = new Pt(-u.y(), u.x());
            double minU = Double.MAX_VALUE;
            double maxU = -Double.MAX_VALUE;
            double minV = Double.MAX_VALUE;
            double maxV = -Double.MAX_VALUE;
            for (Pt p : hull) {
                Pt d = p.minus(a);
                double pu = d.dot(u);
                double pv = d.dot(v);
                minU = Math.min(minU, pu);
                maxU = Math.max(maxU, pu);
                minV = Math.min(minV, pv);
                maxV = Math.max(maxV, pv);
            }
            double area = (maxU - minU) * (maxV - minV);
            if (area < best - 1e-9) {
                best = area;
                Pt c0 = a.plus(u.times(minU)).plus(v.times(minV));
                Pt c1 = a.plus(u.times(maxU)).plus(v.times(minV));
                Pt c2 = a.plus(u.times(maxU)).plus(v.times(maxV));
                Pt c3 = a.plus(u.times(minU)).plus(v.times(maxV));
                rect = new RotatedRect(List.of(c0, c1, c2, c3), maxU - minU, maxV - minV);
            }
        }
        return rect;
    }
}
