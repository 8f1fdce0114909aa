package dev.genloom.plugins.whisper;

import dev.genloom.api.media.AudioStream;

import java.util.Arrays;

/**
 * The part of a mono sound that the transcription is looking at: samples by their absolute
 * position, read from a stream as the window moves on and dropped once it has passed them, so
 * memory stays bounded by a window (plus a block) whatever the length. Over samples already in
 * memory it reads nothing.
 */
final class SampleWindow {
    private static final int BLOCK = 1 << 14;

    private final AudioStream stream;
    private float[] held;
    /** Absolute position of {@code held[0]}. */
    private long start;
    private int count;
    private boolean ended;
    /** What the stream reads into (it writes from index 0). */
    private final float[] scratch;

    private SampleWindow(AudioStream stream, float[] held, int count, boolean ended) {
        this.stream = stream;
        this.scratch = stream == null ? null : new float[BLOCK];
        this.held = held;
        this.count = count;
        this.ended = ended;
    }

    /** A window over mono samples at the model's rate, read as needed. */
    static SampleWindow of(AudioStream mono) {
        return new SampleWindow(mono, new float[BLOCK], 0, false);
    }

    /** A window over samples in memory. */
    static SampleWindow of(float[] samples) {
        return new SampleWindow(null, samples, samples.length, true);
    }

    /**
     * Reads until the samples before {@code end} are held or the stream ends, dropping those
     * before {@code from}.
     */
    void fill(long from, long end) {
        if (stream != null && from > start) {
            int drop = (int) Math.min(count, from - start);
            System.arraycopy(held, drop, held, 0, count - drop);
            count -= drop;
            start += drop;
        }
        while (!ended && start + count < end) {
            if (held.length - count < BLOCK) {
                held = Arrays.copyOf(held, Math.max(count + BLOCK, held.length * 2));
            }
            int n = stream.read(scratch, BLOCK);
            if (n < 0) {
                ended = true;
                break;
            }
            System.arraycopy(scratch, 0, held, count, n);
            count += n;
        }
    }

    /** The samples known so far end here: the sound's length once {@link #ended()}. */
    long end() {
        return start + count;
    }

    /** Whether the whole sound has been read. */
    boolean ended() {
        return ended;
    }

    /** The array holding the samples; position {@code p} is at {@link #index}{@code (p)}. */
    float[] array() {
        return held;
    }

    /** Where an absolute position held now sits in {@link #array()}. */
    int index(long position) {
        return (int) (position - start);
    }
}
