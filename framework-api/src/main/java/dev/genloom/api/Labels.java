package dev.genloom.api;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Scored labels, best first. */
public record Labels(List<ScoredLabel> ranked) {
    /** No labels. */
    public static final Labels NONE = new Labels(List.of());

    /** Sorts the labels, best first. */
    public Labels {
        ranked = ranked.stream().sorted(Comparator.comparingDouble(ScoredLabel::score).reversed()).toList();
    }

    /** The label with the highest score, if there is any. */
    public Optional<ScoredLabel> best() {
        return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }

    /** How many labels. */
    public int size() {
        return ranked.size();
    }
}
