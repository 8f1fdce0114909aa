package dev.genloom.api;

import java.util.Objects;

/**
 * What image-to-text produces: text (a caption, the text read from the image, or the best of the
 * candidate labels) and, where candidate labels were given, every label with its score.
 */
public record ImageText(String text, Labels labels) {
    /** @throws NullPointerException where the text is null (null labels mean none) */
    public ImageText {
        Objects.requireNonNull(text, "text");
        labels = labels == null ? Labels.NONE : labels;
    }
}
