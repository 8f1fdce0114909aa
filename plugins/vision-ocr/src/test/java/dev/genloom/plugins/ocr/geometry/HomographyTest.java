package dev.genloom.plugins.ocr.geometry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HomographyTest {

    @Test
    void fourPointsGoWhereTheyAreSentAndLinesStayLines() {
        List<Pt> from = List.of(new Pt(0, 0), new Pt(100, 0), new Pt(100, 48), new Pt(0, 48));
        List<Pt> to = List.of(new Pt(10, 20), new Pt(200, 35), new Pt(190, 90), new Pt(5, 70));
        Homography m = Homography.mapping(from, to);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, m.apply(from.get(i)).distance(to.get(i)), 1e-9);
        }
        // the middle of the top edge lands on the segment between the first two targets
        Pt mid = m.apply(new Pt(50, 0));
        Pt a = to.get(0);
        Pt b = to.get(1);
        assertEquals(0, b.minus(a).cross(mid.minus(a)), 1e-6);
    }

    @Test
    void threePointsOnALineAreRefused() {
        List<Pt> from = List.of(new Pt(0, 0), new Pt(1, 0), new Pt(2, 0), new Pt(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Homography.mapping(from, from));
    }
}
