package dev.genloom.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageTextTest {

    static List<TextRegion.Point> quad(double l, double t, double r, double b) {
        return List.of(new TextRegion.Point(l, t), new TextRegion.Point(r, t), new TextRegion.Point(r, b),
                new TextRegion.Point(l, b));
    }

    @Test
    void theTwoFieldConstructorHasNoRegionsAndRegionsAreCopied() {
        ImageText caption = new ImageText("a cat", null);
        assertEquals(Labels.NONE, caption.labels());
        assertEquals(List.of(), caption.regions());
        List<TextRegion> regions = new ArrayList<>(List.of(new TextRegion(quad(1, 2, 30, 12), "Hi", 0.9)));
        ImageText read = new ImageText("Hi", Labels.NONE, regions);
        regions.clear();
        assertEquals(1, read.regions().size());
        assertEquals(List.of(), new ImageText("", null, null).regions());
    }

    @Test
    void aRegionHasFourCornersAConfidenceInTheUnitRangeAndBounds() {
        TextRegion r = new TextRegion(List.of(new TextRegion.Point(10, 5), new TextRegion.Point(40, 8),
                new TextRegion.Point(39, 20), new TextRegion.Point(9, 17)), "line", 1);
        assertArrayEquals(new double[] {9, 5, 40, 20}, r.bounds());
        assertThrows(GenloomException.class, () -> new TextRegion(quad(0, 0, 1, 1).subList(0, 3), "x", 0.5));
        assertThrows(GenloomException.class, () -> new TextRegion(quad(0, 0, 1, 1), "x", 1.5));
        assertThrows(GenloomException.class, () -> new TextRegion(quad(0, 0, 1, 1), "x", Double.NaN));
        assertThrows(NullPointerException.class, () -> new TextRegion(quad(0, 0, 1, 1), null, 0.5));
    }
}
