package dev.genloom.plugins.ocr.geometry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A rectangle at any angle: its four corners (in order around it), and the lengths of its sides.
 *
 * @param corners the corners, each next to the one before
 * @param width   the length of the side from corner 0 to corner 1
 * @param height  the length of the side from corner 1 to corner 2
 */
public record RotatedRect(List<Pt> corners, double width, double height) {

    /** The rectangle's corners; a copy of the list is kept. */
    public RotatedRect {
        corners = List.copyOf(corners);
    }

    /** The area. */
    public double area() {
        return width * height;
    }

    /** The shorter side. */
    public double shortSide() {
        return Math.min(width, height);
    }

    /**
     * The corners ordered as PaddleOCR's {@code get_mini_boxes} orders them: of the two leftmost
     * corners the upper one is top-left and the other bottom-left; of the two rightmost the upper
     * is top-right: top-left, top-right, bottom-right, bottom-left.
     */
    public List<Pt> ordered() {
        List<Pt> byX = new ArrayList<>(corners);
        byX.sort(Comparator.comparingDouble(Pt::x));
        Pt l0 = byX.get(0);
        Pt l1 = byX.get(1);
        Pt r0 = byX.get(2);
        Pt r1 = byX.get(3);
        Pt topLeft = l0.y() <= l1.y() ? l0 : l1;
        Pt bottomLeft = topLeft == l0 ? l1 : l0;
        Pt topRight = r0.y() <= r1.y() ? r0 : r1;
        Pt bottomRight = topRight == r0 ? r1 : r0;
        return List.of(topLeft, topRight, bottomRight, bottomLeft);
    }
}
