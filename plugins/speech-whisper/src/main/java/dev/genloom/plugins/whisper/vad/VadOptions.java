package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.GenloomException;

/**
 * How speech probabilities become speech regions. The defaults are Silero VAD's published ones.
 *
 * @param threshold        a chunk whose speech probability reaches this starts or continues speech;
 *                         speech ends only where the probability falls below
 *                         {@link #negativeThreshold()} ({@code threshold - 0.15}); in (0, 1)
 * @param minSpeechMs      speech shorter than this is dropped (0 keeps all)
 * @param minSilenceMs     silence must last this long to end a region; shorter pauses stay inside it
 * @param speechPadMs      added before and after each region (halving the gap where two regions
 *                         are closer than twice this)
 * @param maxSpeechSeconds a region longer than this is split: at its last silence of at least
 *                         98 ms where there is one, else cut hard; {@code Double.POSITIVE_INFINITY}
 *                         for no limit
 */
public record VadOptions(double threshold, int minSpeechMs, int minSilenceMs, int speechPadMs,
                         double maxSpeechSeconds) {

    /** Silero's defaults: threshold 0.5, 250 ms speech, 100 ms silence, 30 ms padding, no limit. */
    public static final VadOptions DEFAULTS = new VadOptions(0.5, 250, 100, 30, Double.POSITIVE_INFINITY);

    /** How far below the threshold the probability must fall to end speech. */
    public static final double HYSTERESIS = 0.15;
    /** The lowest negative threshold, for thresholds close to {@link #HYSTERESIS}. */
    public static final double MIN_NEGATIVE_THRESHOLD = 0.01;
    /** The shortest silence at which a region that grew too long is split. */
    public static final int SPLIT_SILENCE_MS = 98;

    public VadOptions {
        GenloomException.require(threshold > 0 && threshold < 1,
                "VAD threshold must be between 0 and 1 (exclusive), not " + threshold);
        GenloomException.require(minSpeechMs >= 0, "VAD min speech duration must be 0 ms or more, not " + minSpeechMs);
        GenloomException.require(minSilenceMs >= 0,
                "VAD min silence duration must be 0 ms or more, not " + minSilenceMs);
        GenloomException.require(speechPadMs >= 0, "VAD speech padding must be 0 ms or more, not " + speechPadMs);
        GenloomException.require(maxSpeechSeconds > 0 && !Double.isNaN(maxSpeechSeconds),
                "VAD max speech duration must be more than 0 s (or infinite), not " + maxSpeechSeconds);
    }

    /** The probability below which speech ends: {@code threshold - 0.15}, at least 0.01. */
    public double negativeThreshold() {
        return Math.max(threshold - HYSTERESIS, MIN_NEGATIVE_THRESHOLD);
    }

    public VadOptions withThreshold(double t) {
        return new VadOptions(t, minSpeechMs, minSilenceMs, speechPadMs, maxSpeechSeconds);
    }

    public VadOptions withMinSpeechMs(int ms) {
        return new VadOptions(threshold, ms, minSilenceMs, speechPadMs, maxSpeechSeconds);
    }

    public VadOptions withMinSilenceMs(int ms) {
        return new VadOptions(threshold, minSpeechMs, ms, speechPadMs, maxSpeechSeconds);
    }

    public VadOptions withSpeechPadMs(int ms) {
        return new VadOptions(threshold, minSpeechMs, minSilenceMs, ms, maxSpeechSeconds);
    }

    public VadOptions withMaxSpeechSeconds(double s) {
        return new VadOptions(threshold, minSpeechMs, minSilenceMs, speechPadMs, s);
    }
}
