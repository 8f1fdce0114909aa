package dev.genloom.plugins.ocr.geometry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Growing a box: the distance area * ratio / perimeter, and each side moved out by it. */
class UnclipTest {

    @Test
    void theDistanceIsAreaTimesRatioOverPerimeter() {
        List<Pt> box = List.of(new Pt(0, 0), new Pt(10, 0), new Pt(10, 4), new Pt(0, 4));
        assertEquals(40 * 1.5 / 28, Unclip.distance(box, 1.5), 1e-12);
        assertEquals(0, Unclip.distance(List.of(new Pt(1, 1), new Pt(1, 1)), 1.5));
    }

    @Test
    void aTurnedRectangleGrowsByTheDistanceOnEachSide() {
        for (double degrees : new double[] {0, 17, 45, 90, 130}) {
            double a = Math.toRadians(degrees);
            Pt u = new Pt(Math.cos(a), Math.sin(a));
            Pt v = new Pt(-Math.sin(a), Math.cos(a));
            Pt o = new Pt(50, 50);
            double w = 30;
            double h = 6;
            List<Pt> box = List.of(o, o.plus(u.times(w)), o.plus(u.times(w)).plus(v.times(h)), o.plus(v.times(h)));
            double d = w * h * 2.0 / (2 * (w + h));
            RotatedRect grown = Unclip.box(box, 2.0);
            assertEquals(w + 2 * d, Math.max(grown.width(), grown.height()), 1e-6, degrees + " degrees");
            assertEquals(h + 2 * d, grown.shortSide(), 1e-6, degrees + " degrees");
            // the same centre
            Pt centre = o.plus(u.times(w / 2)).plus(v.times(h / 2));
            Pt c = new Pt(0, 0);
            for (Pt p : grown.corners()) {
                c = c.plus(p.times(0.25));
            }
            assertEquals(0, centre.distance(c), 1e-6);
        }
    }

    @Test
    void theOffsetOutlineStaysAtTheDistanceFromThePolygon() {
        List<Pt> triangle = List.of(new Pt(0, 0), new Pt(20, 0), new Pt(5, 12));
        double d = 3;
        for (Pt p : Unclip.offset(triangle, d)) {
            double nearest = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                nearest = Math.min(nearest, segmentDistance(p, triangle.get(i), triangle.get((i + 1) % 3)));
            }
            assertEquals(d, nearest, 1e-9, "offset point " + p);
            assertTrue(!Polygons.insideConvex(triangle, p.x(), p.y(), 0), p + " lies outside");
        }
    }

    static double segmentDistance(Pt p, Pt a, Pt b) {
        Pt ab = b.minus(a);
        double t = Math.max(0, Math.min(1, p.minus(a).dot(ab) / ab.dot(ab)));
        return p.distance(a.plus(ab.times(t)));
    }
}
