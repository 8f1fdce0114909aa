package dev.genloom.api;

import java.util.List;
import java.util.Objects;

/**
 * What speech-to-text produces: the whole text, the language it was in (an ISO code such as
 * {@code en}, or null where unknown), and the timed segments (empty where timestamps were not
 * asked for).
 */
public record Transcript(String text, String language, List<Segment> segments) {
    public Transcript {
        Objects.requireNonNull(text, "text");
        segments = List.copyOf(segments);
    }
}
