package dev.genloom.api;

import java.util.Objects;

/** A stretch of a transcript: start and end in seconds from the start of the audio, and its text. */
public record Segment(double start, double end, String text) {
    /** @throws GenloomException {@code INVALID_INPUT} unless 0 &lt;= start &lt;= end */
    public Segment {
        Objects.requireNonNull(text, "text");
        if (!(start >= 0) || !(end >= start)) {
            throw GenloomException.invalidInput("segment times must satisfy 0 <= start <= end, got "
                    + start + " .. " + end);
        }
    }
}
