package dev.genloom.api;

import java.util.Objects;

/** A label and its score (a probability where the model gives one). */
public record ScoredLabel(String label, double score) {
    /** @throws NullPointerException where the label is null */
    public ScoredLabel {
        Objects.requireNonNull(label, "label");
    }
}
