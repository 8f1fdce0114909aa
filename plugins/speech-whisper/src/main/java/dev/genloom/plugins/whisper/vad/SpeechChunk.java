package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.GenloomException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Speech regions packed into one window for a model that takes at most so many samples (Whisper:
 * 30 s): the regions' audio put end to end, the silence between them left out. A chunk maps
 * positions in its packed audio back to the original time line.
 *
 * <p>A packed position on the seam between two pieces belongs to the later piece when it starts
 * something ({@link #toOriginal}) and to the earlier one when it ends something
 * ({@link #toOriginalEnd}), so that a segment ending at a seam does not stretch over the gap.
 */
public final class SpeechChunk {
    private final long[] originalStarts;
    private final long[] packedStarts; // packedStarts[i] = sum of the lengths of the pieces before i
    private final long[] lengths;
    private final long packedLength;

    private SpeechChunk(long[] originalStarts, long[] lengths) {
        this.originalStarts = originalStarts;
        this.lengths = lengths;
        this.packedStarts = new long[lengths.length];
        long at = 0;
        for (int i = 0; i < lengths.length; i++) {
            packedStarts[i] = at;
            at += lengths[i];
        }
        this.packedLength = at;
    }

    /**
     * Packs regions, in order, into chunks of at most {@code maxSamples} packed samples: each chunk
     * takes whole regions while they fit; a region longer than {@code maxSamples} is cut into pieces
     * of {@code maxSamples} (the last shorter), each starting a chunk of its own.
     *
     * @param regions    ordered, non-overlapping regions (as {@link SileroVad#detect} gives them)
     * @param maxSamples the most samples one chunk may hold (30 s * 16000 for Whisper)
     */
    public static List<SpeechChunk> pack(List<SpeechRegion> regions, long maxSamples) {
        Objects.requireNonNull(regions, "regions");
        GenloomException.require(maxSamples > 0, "a chunk must hold at least one sample, not " + maxSamples);
        List<SpeechChunk> out = new ArrayList<>();
        Builder current = new Builder();
        long previousEnd = 0;
        for (SpeechRegion r : regions) {
            GenloomException.require(r.startSample() >= previousEnd,
                    "speech regions must be in order and must not overlap: " + r + " starts before " + previousEnd);
            previousEnd = r.endSample();
            if (r.length() == 0) {
                continue;
            }
            if (current.length + r.length() <= maxSamples) {
                current.add(r.startSample(), r.length());
                continue;
            }
            if (current.count > 0) {
                out.add(current.build());
                current = new Builder();
            }
            long start = r.startSample();
            long left = r.length();
            while (left > maxSamples) {
                current.add(start, maxSamples);
                out.add(current.build());
                current = new Builder();
                start += maxSamples;
                left -= maxSamples;
            }
            current.add(start, left);
        }
        if (current.count > 0) {
            out.add(current.build());
        }
        return List.copyOf(out);
    }

    /** Samples of packed audio. */
    public long packedLength() {
        return packedLength;
    }

    /** The pieces of the original audio it holds, in order. */
    public List<SpeechRegion> pieces() {
        List<SpeechRegion> out = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            out.add(new SpeechRegion(originalStarts[i], originalStarts[i] + lengths[i]));
        }
        return out;
    }

    /** Where in the original audio it starts. */
    public long originalStart() {
        return originalStarts[0];
    }

    /** Where in the original audio it ends (exclusive). */
    public long originalEnd() {
        int last = lengths.length - 1;
        return originalStarts[last] + lengths[last];
    }

    /**
     * The packed audio: the pieces of {@code audio} (the samples the regions were found in) end to
     * end.
     */
    public float[] extract(float[] audio) {
        Objects.requireNonNull(audio, "audio");
        GenloomException.require(originalEnd() <= audio.length, "the chunk reaches sample " + originalEnd()
                + " but the audio has " + audio.length);
        return extract((start, into, offset, length) -> System.arraycopy(audio, (int) start, into, offset, length));
    }

    /** The packed audio, its pieces read from where the original audio is kept. */
    public float[] extract(Samples audio) {
        Objects.requireNonNull(audio, "audio");
        float[] out = new float[Math.toIntExact(packedLength)];
        for (int i = 0; i < lengths.length; i++) {
            audio.read(originalStarts[i], out, (int) packedStarts[i], (int) lengths[i]);
        }
        return out;
    }

    /** The original audio, read by range: an array, or a file it was spooled to. */
    @FunctionalInterface
    public interface Samples {
        /** Fills {@code into[offset, offset + length)} with the samples from {@code start}. */
        void read(long start, float[] into, int offset, int length);
    }

    /**
     * The original position of a packed one, for the start of something: a seam maps to the start of
     * the later piece. Positions are clamped into {@code [0, packedLength]}; the end maps to the end
     * of the last piece.
     */
    public long toOriginal(long packed) {
        long p = clamp(packed);
        if (p == packedLength) {
            return originalEnd();
        }
        int i = pieceStartingAtOrBefore(p);
        return originalStarts[i] + (p - packedStarts[i]);
    }

    /**
     * The original position of a packed one, for the end of something: a seam maps to the end of
     * the earlier piece. Positions are clamped into {@code [0, packedLength]}.
     */
    public long toOriginalEnd(long packed) {
        long p = clamp(packed);
        if (p == 0) {
            return originalStarts[0];
        }
        int i = pieceStartingAtOrBefore(p - 1);
        return originalStarts[i] + (p - packedStarts[i]);
    }

    /** {@link #toOriginal} in seconds at the sample rate. */
    public double toOriginalSeconds(double packedSeconds, int sampleRate) {
        return toOriginal(Math.round(packedSeconds * sampleRate)) / (double) sampleRate;
    }

    /** {@link #toOriginalEnd} in seconds at the sample rate. */
    public double toOriginalEndSeconds(double packedSeconds, int sampleRate) {
        return toOriginalEnd(Math.round(packedSeconds * sampleRate)) / (double) sampleRate;
    }

    private long clamp(long packed) {
        return Math.max(0, Math.min(packedLength, packed));
    }

    /** The last piece whose packed start is at or before the position. */
    private int pieceStartingAtOrBefore(long packed) {
        int i = Arrays.binarySearch(packedStarts, packed);
        if (i >= 0) {
            // equal starts only come from empty pieces, which pack() leaves out
            return i;
        }
        return -i - 2;
    }

    @Override
    public String toString() {
        return "SpeechChunk" + pieces() + " (" + packedLength + " samples)";
    }

    private static final class Builder {
        private long[] starts = new long[8];
        private long[] lengths = new long[8];
        private int count;
        private long length;

        void add(long start, long len) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            starts[count] = start;
            lengths[count] = len;
            count++;
            length += len;
        }

        SpeechChunk build() {
            return new SpeechChunk(Arrays.copyOf(starts, count), Arrays.copyOf(lengths, count));
        }
    }
}
