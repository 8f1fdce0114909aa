package dev.genloom.api;

import java.util.List;
import java.util.Objects;

/**
 * What speech-to-text produces: the whole text, the language it was in (an ISO code such as
 * {@code en}, or null where unknown), the timed segments (empty where timestamps were not asked
 * for), and how the time was spent. Two transcripts are equal when their text, language and
 * segments are; the timings are not part of the value.
 */
public record Transcript(String text, String language, List<Segment> segments, Timings timings) {

    /**
     * Where the time went, for benchmarks and {@code --json}; zeros where a model does not say.
     *
     * @param windows         how many 30-s (or the model's) windows were decoded
     * @param tokens          tokens generated over all windows (attempts that were redone included)
     * @param featureNanos    computing input features (e.g. log-mel spectrograms)
     * @param encoderNanos    running the audio encoder
     * @param decoderNanos    running the text decoder and choosing tokens
     */
    public record Timings(int windows, int tokens, long featureNanos, long encoderNanos, long decoderNanos) {
        /** No timings: all zeros. */
        public static final Timings NONE = new Timings(0, 0, 0, 0, 0);
    }

    /** @throws NullPointerException where the text or the segments are null (null timings mean none) */
    public Transcript {
        Objects.requireNonNull(text, "text");
        segments = List.copyOf(segments);
        timings = timings == null ? Timings.NONE : timings;
    }

    /** A transcript without timings. */
    public Transcript(String text, String language, List<Segment> segments) {
        this(text, language, segments, Timings.NONE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transcript t && text.equals(t.text) && Objects.equals(language, t.language)
                && segments.equals(t.segments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, language, segments);
    }

    @Override
    public String toString() {
        return "Transcript[text=" + text + ", language=" + language + ", segments=" + segments + "]";
    }
}
