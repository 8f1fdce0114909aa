package dev.genloom.api;

/** Told of each transcript segment as soon as it is final. */
@FunctionalInterface
public interface SegmentListener {
    SegmentListener NONE = segment -> { };

    void onSegment(Segment segment);
}
