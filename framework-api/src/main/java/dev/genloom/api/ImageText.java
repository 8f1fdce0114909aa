package dev.genloom.api;

import java.util.List;
import java.util.Objects;

/**
 * What image-to-text produces: text (a caption, the text read from the image, or the best of the
 * candidate labels), where candidate labels were given every label with its score, and where the
 * model reads text (OCR) the regions it read, in reading order.
 *
 * @param text    the caption, the best label, or the text read: its lines in reading order (top to
 *                bottom, left to right within a line), one per line
 * @param labels  the candidate labels with their scores, best first ({@link Labels#NONE} without)
 * @param regions the text regions read, in reading order (empty where the model reads no text)
 */
public record ImageText(String text, Labels labels, List<TextRegion> regions) {
    /** @throws NullPointerException where the text is null (null labels and regions mean none) */
    public ImageText {
        Objects.requireNonNull(text, "text");
        labels = labels == null ? Labels.NONE : labels;
        regions = regions == null ? List.of() : List.copyOf(regions);
    }

    /** A caption or a label's text, with the labels scored (null: none), and no text regions. */
    public ImageText(String text, Labels labels) {
        this(text, labels, List.of());
    }
}
