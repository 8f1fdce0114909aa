package dev.genloom.plugins.whisper.features;

import dev.genloom.api.GenloomException;

/**
 * The features of successive, overlapping windows of one audio stream, each STFT frame computed
 * once: what {@link LogMelSpectrogram#compute(float[], int, int)} gives for each window, bit for bit,
 * without computing again the frames a window shares with the one before.
 *
 * <p>Whisper moves from window to window by a whole number of frames (the next window starts where
 * the last complete segment ended), so the frames of two windows that overlap are the same frames
 * of the audio, wherever neither window's edge enters them. A window's frame reads the samples
 * {@code [t·hop − n_fft/2, t·hop + n_fft/2)} of the window; those that lie inside the window (frames
 * {@code n_fft/2 / hop} rounded up to {@code (n_samples − n_fft/2) / hop} rounded down: 2 to 2998 for
 * Whisper) depend on the audio alone and are kept here, by their frame number in the audio, as
 * {@code log10} mel energies with the largest of each frame. The few frames at a window's edges read
 * the window's reflect padding, which differs from window to window, and are computed for each window
 * (three per window for Whisper). Each window's logs are then normalised with the maximum over that
 * window's own frames, as the direct computation does.
 *
 * <p>Memory is bounded by one window: the frames before the start of the latest window are dropped
 * (a ring of one window's frames). Windows must come in order of their start; one that starts before
 * the previous one, or after the end of the frames kept, starts the cache afresh. Samples are given
 * by their position in the audio ({@code position}), wherever they lie in the caller's array, so a
 * caller that receives the audio piece by piece can hand each window as it has it. The samples at a
 * position must be the same in every window that holds it; a window shorter than one window's
 * samples ends the audio there (the rest is zeros, as in the direct computation). A window whose
 * start is not a whole number of hops is computed directly and starts the cache afresh.
 *
 * <p>One instance serves one audio stream on one thread (it holds the frames and the scratch); the
 * {@link LogMelSpectrogram} it is made from stays shareable.
 */
public final class LogMelWindows {

    /** No audio end declared yet: every window so far held a whole window's samples. */
    private static final long NO_END = Long.MAX_VALUE;

    private final LogMelSpectrogram spectrogram;
    private final LogMelSpectrogram.Scratch scratch;
    private final int hop;
    private final int nFft;
    private final int total;
    private final int frames;
    private final int mels;
    /** First and last frame of a window that lie wholly inside the window (no reflect padding). */
    private final int innerFirst;
    private final int innerLast;
    /** Frames in the ring: the inner frames of one window. */
    private final int capacity;
    /** Logs of the kept frames, mel-major: {@code logs[m × capacity + slot]}, slot = frame mod capacity. */
    private final float[] logs;
    /** The largest log of each kept frame, by slot. */
    private final double[] frameMax;

    /** The frames kept are {@code [first, next)}, numbered in the audio (frame f starts at f × hop). */
    private long first;
    private long next;
    /** Where the audio ends, as the windows so far said ({@link #NO_END} if none said so). */
    private long end = NO_END;
    /** Samples before this position were checked to be finite. */
    private long checkedTo;
    private long framesComputed;
    private long framesReused;

    /** A cache of the frames of {@code spectrogram}'s windows; empty until the first window. */
    public LogMelWindows(LogMelSpectrogram spectrogram) {
        GenloomException.require(spectrogram != null, "the spectrogram is null");
        this.spectrogram = spectrogram;
        this.scratch = spectrogram.scratch();
        FeatureSettings s = spectrogram.settings();
        this.hop = s.hopLength();
        this.nFft = s.nFft();
        this.total = s.samplesPerWindow();
        this.frames = s.frames();
        this.mels = s.melBins();
        int pad = nFft / 2;
        this.innerFirst = (pad + hop - 1) / hop;
        this.innerLast = total >= nFft ? Math.min(frames - 1, (total - nFft + pad) / hop) : -1;
        this.capacity = Math.max(0, innerLast - innerFirst + 1);
        this.logs = new float[mels * capacity];
        this.frameMax = new double[capacity];
    }

    public LogMelSpectrogram spectrogram() {
        return spectrogram;
    }

    /** Floats in one window's features: {@code mels × frames}. */
    public int size() {
        return spectrogram.size();
    }

    /**
     * The features of the window whose samples are {@code samples[offset .. offset + length)}, the
     * samples at {@code position ..} of the audio, as a new {@code [mels, frames]} row-major array;
     * equal to {@code spectrogram().compute(samples, offset, length)}.
     */
    public float[] window(float[] samples, int offset, long position, int length) {
        float[] out = new float[size()];
        window(samples, offset, position, length, out, 0);
        return out;
    }

    /**
     * Writes the features of the window {@code samples[offset .. offset + length)}, the samples at
     * {@code position ..} of the audio, into {@code out[base .. base + size())}; see
     * {@link #window(float[], int, long, int)}.
     */
    public void window(float[] samples, int offset, long position, int length, float[] out, int base) {
        LogMelSpectrogram.checkRange(samples, offset, length);
        GenloomException.require(position >= 0, "the window's position must not be negative, got " + position);
        GenloomException.require(out != null && base >= 0 && base <= out.length - size(),
                "the output array has no room for one window's " + size() + " floats at " + base);
        final int used = Math.min(length, total);
        if (position % hop != 0 || capacity == 0) {
            // Frames not on the audio's frame grid (or none inside the window): nothing to share.
            reset(0);
            end = NO_END;
            checkedTo = 0;
            spectrogram.computeInto(samples, offset, length, out, base);
            framesComputed += frames;
            return;
        }
        long windowEnd = used < total ? position + used : NO_END;
        long s = position / hop;
        long lo = s + innerFirst;
        boolean fresh = lo < first || lo > next || windowEnd != end && end != NO_END;
        // Only samples no earlier window held need checking; the message counts from this window's start.
        long checkFrom = fresh ? position : Math.max(checkedTo, position);
        LogMelSpectrogram.requireFinite(samples, offset, (int) Math.min(used, checkFrom - position), used);
        if (fresh) {
            reset(lo);
            checkedTo = position;
        }
        checkedTo = Math.max(checkedTo, position + used);
        first = lo;
        if (windowEnd != NO_END) {
            end = windowEnd;
        }

        final int pad = nFft / 2;
        // Inner frames not kept yet, into the ring.
        long hi = s + innerLast + 1;
        for (long f = next; f < hi; f++) {
            int t = (int) (f - s);
            int start = t * hop - pad;
            int slot = (int) (f % capacity);
            frameMax[slot] = start >= used
                    ? spectrogram.silentFrame(logs, slot, capacity)
                    : spectrogram.logMelFrame(samples, offset, used, start, scratch, logs, slot, capacity);
            framesComputed++;
        }
        framesReused += Math.max(0, Math.min(next, hi) - lo);
        next = hi;

        // The edge frames, read through this window's reflect padding, straight into the output.
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < frames; t++) {
            if (t == innerFirst) {
                t = innerLast; // the loop's t++ moves on to the first frame after the inner ones
                continue;
            }
            int start = t * hop - pad;
            double m = start >= used && start + nFft <= total
                    ? spectrogram.silentFrame(out, base + t, frames)
                    : spectrogram.logMelFrame(samples, offset, used, start, scratch, out, base + t, frames);
            framesComputed++;
            if (m > max) {
                max = m;
            }
        }
        // The inner frames out of the ring: at most two runs per mel row.
        int from = (int) (lo % capacity);
        int firstRun = capacity - from;
        for (int m = 0; m < mels; m++) {
            int row = m * capacity;
            int to = base + m * frames + innerFirst;
            System.arraycopy(logs, row + from, out, to, firstRun);
            if (firstRun < capacity) {
                System.arraycopy(logs, row, out, to + firstRun, capacity - firstRun);
            }
        }
        for (int i = 0; i < capacity; i++) {
            double m = frameMax[i];
            if (m > max) {
                max = m;
            }
        }
        LogMelSpectrogram.normalise(out, base, base + mels * frames, max);
    }

    private void reset(long at) {
        first = at;
        next = at;
        end = NO_END;
    }

    /**
     * Forgets every frame kept, for another audio stream (or the same one from its start again);
     * the counts go on.
     */
    public void reset() {
        reset(0);
        checkedTo = 0;
    }

    /** Frames whose spectrum was computed so far: inner frames once each, plus each window's edge frames. */
    public long framesComputed() {
        return framesComputed;
    }

    /** Inner frames handed to a window from the cache instead of being computed again. */
    public long framesReused() {
        return framesReused;
    }

    /** Frames of each window that read its reflect padding and are computed for every window (3 for Whisper). */
    public int edgeFramesPerWindow() {
        return frames - capacity;
    }

    @Override
    public String toString() {
        return "LogMelWindows[" + spectrogram.settings() + ", frames " + first + ".." + next + "]";
    }
}
