package dev.genloom.plugins.ocr.geometry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rectangle of least area, against a brute-force search over angles. */
class MinAreaRectTest {

    /** The least area of a box around the points, trying every angle in steps of 0.01 degrees. */
    static double bruteForce(List<Pt> points) {
        double best = Double.MAX_VALUE;
        for (int step = 0; step < 18000; step++) {
            double a = Math.toRadians(step / 100.0);
            double c = Math.cos(a);
            double s = Math.sin(a);
            double minU = Double.MAX_VALUE;
            double maxU = -Double.MAX_VALUE;
            double minV = Double.MAX_VALUE;
            double maxV = -Double.MAX_VALUE;
            for (Pt p : points) {
                double u = p.x() * c + p.y() * s;
                double v = -p.x() * s + p.y() * c;
                minU = Math.min(minU, u);
                maxU = Math.max(maxU, u);
                minV = Math.min(minV, v);
                maxV = Math.max(maxV, v);
            }
            best = Math.min(best, (maxU - minU) * (maxV - minV));
        }
        return best;
    }

    @Test
    void aTurnedRectangleWithPointsInsideIsFoundAgain() {
        Random random = new Random(3);
        double a = Math.toRadians(23);
        Pt centre = new Pt(40, 30);
        Pt u = new Pt(Math.cos(a), Math.sin(a));
        Pt v = new Pt(-Math.sin(a), Math.cos(a));
        List<Pt> points = new ArrayList<>();
        for (int[] corner : new int[][] {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}) {
            points.add(centre.plus(u.times(corner[0] * 10)).plus(v.times(corner[1] * 3)));
        }
        for (int i = 0; i < 50; i++) {
            points.add(centre.plus(u.times((random.nextDouble() * 2 - 1) * 10)).plus(v.times((random.nextDouble() * 2 - 1) * 3)));
        }
        RotatedRect r = MinAreaRect.of(points);
        assertEquals(20 * 6, r.area(), 1e-6);
        assertEquals(20, Math.max(r.width(), r.height()), 1e-6);
        assertEquals(6, r.shortSide(), 1e-6);
        for (Pt corner : r.corners()) {
            double best = points.subList(0, 4).stream().mapToDouble(corner::distance).min().orElseThrow();
            assertEquals(0, best, 1e-6, "each corner is one of the rectangle's");
        }
        List<Pt> o = r.ordered();
        assertTrue(o.get(0).x() < o.get(1).x() && o.get(3).x() < o.get(2).x(), "left corners first: " + o);
        assertTrue(o.get(0).y() < o.get(3).y() && o.get(1).y() < o.get(2).y(), "top corners above: " + o);
    }

    @Test
    void randomPointSetsMatchTheBruteForceSearch() {
        Random random = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            List<Pt> points = new ArrayList<>();
            int n = 3 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                points.add(new Pt(random.nextInt(100), random.nextInt(40) + random.nextDouble()));
            }
            RotatedRect r = MinAreaRect.of(points);
            double brute = bruteForce(points);
            assertTrue(r.area() <= brute + 1e-6, "trial " + trial + ": " + r.area() + " > " + brute);
            assertEquals(brute, r.area(), Math.max(1e-3, brute * 2e-3), "trial " + trial);
            for (Pt p : points) {
                assertTrue(Polygons.insideConvex(r.corners(), p.x(), p.y(), 1e-6), "trial " + trial + ": " + p + " outside");
            }
        }
    }

    @Test
    void degenerateSets() {
        RotatedRect one = MinAreaRect.of(List.of(new Pt(2, 3), new Pt(2, 3)));
        assertEquals(0, one.area());
        RotatedRect line = MinAreaRect.of(List.of(new Pt(0, 0), new Pt(3, 4), new Pt(6, 8)));
        assertEquals(10, Math.max(line.width(), line.height()), 1e-9);
        assertEquals(0, line.shortSide(), 1e-9);
    }
}
