package dev.genloom.plugins.ocr;

import dev.genloom.api.TextRegion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadingOrderTest {

    static TextRegion box(String text, double left, double top, double width, double height, double slope) {
        List<TextRegion.Point> q = List.of(new TextRegion.Point(left, top), new TextRegion.Point(left + width, top + slope),
                new TextRegion.Point(left + width, top + slope + height), new TextRegion.Point(left, top + height));
        return new TextRegion(q, text, 0.9);
    }

    @Test
    void linesTopToBottomAndLeftToRightWhateverOrderTheBoxesComeIn() {
        List<TextRegion> regions = new ArrayList<>(List.of(
                box("one", 10, 10, 100, 30, 0),
                box("two", 300, 14, 80, 24, 0),     // a little lower, smaller: the same line
                box("three", 600, 6, 90, 34, 3),
                box("four", 12, 60, 200, 30, 0),
                box("five", 320, 62, 60, 28, 0),
                box("six", 10, 130, 300, 20, 0)));
        Random random = new Random(5);
        for (int trial = 0; trial < 10; trial++) {
            Collections.shuffle(regions, random);
            List<List<TextRegion>> lines = new ReadingOrder(0.5).lines(regions);
            assertEquals("one two three\nfour five\nsix", ReadingOrder.text(lines));
        }
    }

    @Test
    void boxesFartherApartThanTheToleranceAreLinesOfTheirOwn() {
        List<TextRegion> regions = List.of(box("low", 200, 22, 50, 20, 0), box("high", 10, 0, 50, 20, 0));
        // centres 22 apart, heights 20: one line at a tolerance of 1.2, two at 0.5
        assertEquals("high low", ReadingOrder.text(new ReadingOrder(1.2).lines(regions)));
        assertEquals("high\nlow", ReadingOrder.text(new ReadingOrder(0.5).lines(regions)));
        assertEquals("", ReadingOrder.text(new ReadingOrder(0.5).lines(List.of())));
    }
}
