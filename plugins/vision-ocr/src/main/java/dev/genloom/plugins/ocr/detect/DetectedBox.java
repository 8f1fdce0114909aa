package dev.genloom.plugins.ocr.detect;

import dev.genloom.plugins.ocr.geometry.Pt;

import java.util.List;

/**
 * A text box the detector found.
 *
 * @param quad  top-left, top-right, bottom-right, bottom-left, in the image's pixels
 * @param score the mean text probability inside the box, before it was grown
 */
public record DetectedBox(List<Pt> quad, double score) {
    /** A box; the corners are copied. */
    public DetectedBox {
        quad = List.copyOf(quad);
    }
}
