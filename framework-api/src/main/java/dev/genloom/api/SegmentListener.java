package dev.genloom.api;

/** Told of each transcript segment as soon as it is final. */
@FunctionalInterface
public interface SegmentListener {
    /** A listener that ignores the segments. */
    SegmentListener NONE = segment -> { };

    /** Told of a segment that is final. */
    void onSegment(Segment segment);
}
