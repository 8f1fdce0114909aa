package dev.genloom.api;

import java.util.List;
import java.util.Objects;

/**
 * A region of an image that holds text, as optical character recognition finds it: its
 * quadrilateral in the image's pixels, the text read in it and how sure the reader is.
 *
 * @param quad       the four corners in the image's pixels (x to the right, y down from the top-left
 *                   corner of the image), clockwise from the corner that is top-left as the text
 *                   reads: top-left, top-right, bottom-right, bottom-left
 * @param text       the text read in the region
 * @param confidence from 0 to 1: the mean probability of the characters read
 */
public record TextRegion(List<Point> quad, String text, double confidence) {

    /** A point in an image's pixels. */
    public record Point(double x, double y) {
    }

    /**
     * @throws NullPointerException where the quadrilateral, a point or the text is null
     * @throws GenloomException     {@code INVALID_INPUT} unless the quadrilateral has four points and
     *                              the confidence lies in [0, 1]
     */
    public TextRegion {
        Objects.requireNonNull(quad, "quad");
        quad = List.copyOf(quad);
        Objects.requireNonNull(text, "text");
        GenloomException.require(quad.size() == 4, "a text region has 4 corners, got " + quad.size());
        GenloomException.require(confidence >= 0 && confidence <= 1,
                "a text region's confidence lies in [0, 1], got " + confidence);
    }

    /** The smallest axis-aligned box around the quadrilateral: {@code {left, top, right, bottom}}. */
    public double[] bounds() {
        double[] b = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (Point p : quad) {
            b[0] = Math.min(b[0], p.x());
            b[1] = Math.min(b[1], p.y());
            b[2] = Math.max(b[2], p.x());
            b[3] = Math.max(b[3], p.y());
        }
        return b;
    }
}
