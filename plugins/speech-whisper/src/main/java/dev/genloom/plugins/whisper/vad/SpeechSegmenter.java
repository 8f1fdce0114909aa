package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.GenloomException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns per-window speech probabilities into speech regions, the way Silero VAD's utilities do:
 * <ul>
 *   <li>speech starts at the first window whose probability reaches the threshold;</li>
 *   <li>it ends where the probability has stayed below the negative threshold for at least the
 *       minimum silence (windows between the two thresholds neither start nor end anything, and a
 *       window at or above the threshold cancels a silence under way); the region ends where that
 *       silence began;</li>
 *   <li>regions no longer than the minimum speech duration are dropped;</li>
 *   <li>a region growing beyond the maximum speech duration (less one window and twice the
 *       padding) is cut at the start of its last silence longer than 98 ms, speech going on from
 *       where it resumed after it; without such a silence it is cut hard where it is;</li>
 *   <li>finally each region is padded on both sides, within the audio; where two regions are closer
 *       than twice the padding, each gets half the gap.</li>
 * </ul>
 * Pure Java over a primitive array; no model needed.
 */
public final class SpeechSegmenter {
    private SpeechSegmenter() {
    }

    /**
     * The speech regions of a sequence of window probabilities.
     *
     * @param probabilities one speech probability per window, window {@code i} starting at sample
     *                      {@code i * windowSamples}
     * @param windowSamples the samples per window (512 at 16 kHz, 256 at 8 kHz)
     * @param audioSamples  the length of the audio, in samples; regions stay inside it
     * @param sampleRate    the audio's sample rate, to turn the options' durations into samples
     * @param options       thresholds and durations
     * @return the regions in order, non-overlapping, inside {@code [0, audioSamples)}
     */
    public static List<SpeechRegion> regions(float[] probabilities, int windowSamples, long audioSamples,
                                             int sampleRate, VadOptions options) {
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(options, "options");
        GenloomException.require(windowSamples > 0, "window must be at least one sample, not " + windowSamples);
        GenloomException.require(sampleRate > 0, "sample rate must be positive, not " + sampleRate);
        GenloomException.require(audioSamples >= 0, "audio length must not be negative, not " + audioSamples);

        final double on = options.threshold();
        final double off = options.negativeThreshold();
        final long minSpeech = samples(options.minSpeechMs(), sampleRate);
        final long minSilence = samples(options.minSilenceMs(), sampleRate);
        final long pad = samples(options.speechPadMs(), sampleRate);
        final long splitSilence = samples(VadOptions.SPLIT_SILENCE_MS, sampleRate);
        final long maxSpeech = maxSpeechSamples(options, sampleRate, windowSamples, pad);

        Spans spans = new Spans();
        boolean speaking = false;
        long start = 0;
        long silenceFrom = -1;  // where the silence under way began; -1: none
        long splitAt = -1;      // start of the last silence long enough to split at; -1: none
        long resumedAt = -1;    // where speech came back after that silence; < splitAt: not yet
        int windows = (int) Math.min(probabilities.length, ceilDiv(audioSamples, windowSamples));
        for (int i = 0; i < windows; i++) {
            long pos = (long) i * windowSamples;
            float p = probabilities[i];
            if (p >= on) {
                if (silenceFrom >= 0) {
                    silenceFrom = -1;
                    if (resumedAt < splitAt) {
                        resumedAt = pos;
                    }
                }
                if (!speaking) {
                    speaking = true;
                    start = pos;
                    continue;
                }
            }
            if (speaking && pos - start > maxSpeech) {
                if (splitAt >= 0) {
                    spans.add(start, splitAt);
                    if (resumedAt < splitAt) {
                        speaking = false;  // still silent since the split
                    } else {
                        start = resumedAt;
                    }
                    splitAt = resumedAt = silenceFrom = -1;
                    // this window may still begin a silence of the region going on
                } else {
                    spans.add(start, pos);
                    speaking = false;
                    splitAt = resumedAt = silenceFrom = -1;
                    continue;
                }
            }
            if (speaking && p < off) {
                if (silenceFrom < 0) {
                    silenceFrom = pos;
                }
                if (pos - silenceFrom > splitSilence) {
                    splitAt = silenceFrom;
                }
                if (pos - silenceFrom < minSilence) {
                    continue;
                }
                if (silenceFrom - start > minSpeech) {
                    spans.add(start, silenceFrom);
                }
                speaking = false;
                splitAt = resumedAt = silenceFrom = -1;
            }
        }
        if (speaking && audioSamples - start > minSpeech) {
            spans.add(start, audioSamples);
        }
        spans.pad(pad, audioSamples);
        return spans.toRegions();
    }

    /** Milliseconds as samples at the rate, rounded down. */
    static long samples(long ms, int sampleRate) {
        return ms * sampleRate / 1000;
    }

    private static long maxSpeechSamples(VadOptions options, int sampleRate, int windowSamples, long pad) {
        if (Double.isInfinite(options.maxSpeechSeconds())) {
            return Long.MAX_VALUE;
        }
        long max = (long) (sampleRate * options.maxSpeechSeconds()) - windowSamples - 2 * pad;
        if (max <= 0) {
            throw GenloomException.invalidInput("VAD max speech duration " + options.maxSpeechSeconds()
                    + " s leaves no room for speech once the window (" + windowSamples + " samples) and twice the "
                    + "padding (" + options.speechPadMs() + " ms) are taken off",
                    "give a longer max speech duration or less padding");
        }
        return max;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Start and end samples on two growing primitive arrays. */
    private static final class Spans {
        private long[] starts = new long[16];
        private long[] ends = new long[16];
        private int n;

        void add(long start, long end) {
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
                ends = Arrays.copyOf(ends, n * 2);
            }
            starts[n] = start;
            ends[n] = end;
            n++;
        }

        void pad(long pad, long audioSamples) {
            if (n == 0) {
                return;
            }
            starts[0] = Math.max(0, starts[0] - pad);
            for (int i = 0; i < n; i++) {
                if (i == n - 1) {
                    ends[i] = Math.min(audioSamples, ends[i] + pad);
                    break;
                }
                long gap = starts[i + 1] - ends[i];
                if (gap < 2 * pad) {
                    ends[i] += gap / 2;
                    starts[i + 1] = Math.max(0, starts[i + 1] - gap / 2);
                } else {
                    ends[i] = Math.min(audioSamples, ends[i] + pad);
                    starts[i + 1] = Math.max(0, starts[i + 1] - pad);
                }
            }
        }

        List<SpeechRegion> toRegions() {
            List<SpeechRegion> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new SpeechRegion(starts[i], ends[i]));
            }
            return List.copyOf(out);
        }
    }
}
