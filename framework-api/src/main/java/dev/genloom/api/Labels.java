package dev.genloom.api;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Scored labels, best first. */
public record Labels(List<ScoredLabel> ranked) {
    public static final Labels NONE = new Labels(List.of());

    public Labels {
        ranked = ranked.stream().sorted(Comparator.comparingDouble(ScoredLabel::score).reversed()).toList();
    }

    public Optional<ScoredLabel> best() {
        return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }

    public int size() {
        return ranked.size();
    }
}
