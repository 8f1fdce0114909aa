package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hysteresis, durations and padding on made-up probability sequences (no model). */
class SpeechSegmenterTest {
    static final int RATE = 16_000;
    static final int W = 512;
    static final int PAD = 480; // 30 ms

    /** Probabilities from (value, windows) pairs. */
    static float[] runs(double... valueCount) {
        int n = 0;
        for (int i = 1; i < valueCount.length; i += 2) {
            n += (int) valueCount[i];
        }
        float[] p = new float[n];
        int at = 0;
        for (int i = 0; i < valueCount.length; i += 2) {
            Arrays.fill(p, at, at + (int) valueCount[i + 1], (float) valueCount[i]);
            at += (int) valueCount[i + 1];
        }
        return p;
    }

    static List<SpeechRegion> regions(float[] p, VadOptions o) {
        return SpeechSegmenter.regions(p, W, (long) p.length * W, RATE, o);
    }

    static SpeechRegion r(long start, long end) {
        return new SpeechRegion(start, end);
    }

    @Test
    void oneStretchOfSpeechIsFoundAndPadded() {
        float[] p = runs(0.02, 10, 0.9, 20, 0.02, 10);
        assertEquals(List.of(r(10 * W - PAD, 30 * W + PAD)), regions(p, VadOptions.DEFAULTS));
    }

    @Test
    void silenceAndTheUndecidedBandFindNothing() {
        assertEquals(List.of(), regions(runs(0.0, 100), VadOptions.DEFAULTS));
        // between the negative threshold (0.35) and the threshold nothing starts
        assertEquals(List.of(), regions(runs(0.1, 10, 0.45, 50, 0.1, 10), VadOptions.DEFAULTS));
        assertEquals(List.of(), regions(new float[0], VadOptions.DEFAULTS));
    }

    @Test
    void theUndecidedBandDoesNotEndSpeechButSilenceDoes() {
        float[] p = runs(0.0, 5, 0.8, 10, 0.4, 30, 0.2, 20);
        // speech runs through the 0.4 stretch and ends where 0.2 (below 0.35) begins
        assertEquals(List.of(r(5 * W - PAD, 45 * W + PAD)), regions(p, VadOptions.DEFAULTS));
        // with a threshold of 0.45 the negative threshold is 0.30: 0.2 ends it just the same, 0.4 does not
        assertEquals(List.of(r(5 * W - PAD, 45 * W + PAD)), regions(p, VadOptions.DEFAULTS.withThreshold(0.45)));
        // with 0.6 the speech (0.8) still starts, but 0.4 < 0.45 ends it after the min silence
        assertEquals(List.of(r(5 * W - PAD, 15 * W + PAD)), regions(p, VadOptions.DEFAULTS.withThreshold(0.6)));
    }

    @Test
    void aLoudWindowCancelsASilenceUnderWay() {
        // 3 silent windows, one loud, 3 silent: never 100 ms of silence in a row
        float[] p = runs(0.9, 20, 0.1, 3, 0.9, 1, 0.1, 3, 0.9, 20, 0.0, 20);
        assertEquals(List.of(r(0, 47 * W + PAD)), regions(p, VadOptions.DEFAULTS));
    }

    @Test
    void pausesShorterThanTheMinSilenceStayInside() {
        // 100 ms = 1600 samples: silence ends speech at its 5th window (4 * 512 >= 1600)
        float[] four = runs(0.0, 10, 0.9, 20, 0.0, 4, 0.9, 20, 0.0, 10);
        assertEquals(List.of(r(10 * W - PAD, 54 * W + PAD)), regions(four, VadOptions.DEFAULTS));
        float[] five = runs(0.0, 10, 0.9, 20, 0.0, 5, 0.9, 20, 0.0, 10);
        assertEquals(List.of(r(10 * W - PAD, 30 * W + PAD), r(35 * W - PAD, 55 * W + PAD)),
                regions(five, VadOptions.DEFAULTS));
        // a min silence of 300 ms keeps the five-window pause inside
        assertEquals(1, regions(five, VadOptions.DEFAULTS.withMinSilenceMs(300)).size());
    }

    @Test
    void speechShorterThanTheMinSpeechIsDropped() {
        // 250 ms = 4000 samples; 7 windows = 3584 (dropped), 8 windows = 4096 (kept)
        float[] p = runs(0.0, 10, 0.9, 7, 0.0, 20, 0.9, 8, 0.0, 20);
        assertEquals(List.of(r(37 * W - PAD, 45 * W + PAD)), regions(p, VadOptions.DEFAULTS));
        assertEquals(2, regions(p, VadOptions.DEFAULTS.withMinSpeechMs(0)).size());
        // speech running to the end of the audio is also held to the minimum
        assertEquals(List.of(), regions(runs(0.0, 20, 0.9, 7), VadOptions.DEFAULTS));
        assertEquals(List.of(r(20 * W - PAD, 28 * W)), regions(runs(0.0, 20, 0.9, 8), VadOptions.DEFAULTS));
    }

    @Test
    void paddingStaysInsideTheAudioAndSharesNarrowGaps() {
        float[] p = runs(0.9, 20, 0.0, 10);
        assertEquals(List.of(r(0, 20 * W + PAD)), regions(p, VadOptions.DEFAULTS));
        // audio shorter than the last window: the end is clamped to the audio
        List<SpeechRegion> clamped = SpeechSegmenter.regions(runs(0.0, 5, 0.9, 20), W, 24 * W + 100, RATE,
                VadOptions.DEFAULTS);
        assertEquals(List.of(r(5 * W - PAD, 24 * W + 100)), clamped);
        // gap of 5 windows (2560 samples) < 2 * 100 ms padding (3200): each side takes half of it
        VadOptions wide = VadOptions.DEFAULTS.withSpeechPadMs(100);
        List<SpeechRegion> two = regions(runs(0.0, 10, 0.9, 20, 0.0, 5, 0.9, 20, 0.0, 10), wide);
        assertEquals(List.of(r(10 * W - 1600, 30 * W + 1280), r(30 * W + 1280, 55 * W + 1600)), two);
    }

    @Test
    void longSpeechIsSplitAtItsLastLongSilence() {
        // min silence 500 ms, so a 6-window (192 ms) pause does not end speech but can split it
        VadOptions o = VadOptions.DEFAULTS.withMinSilenceMs(500).withMaxSpeechSeconds(2.0);
        long max = 2 * RATE - W - 2 * PAD; // 30528 samples: exceeded at window 60
        float[] p = runs(0.9, 40, 0.0, 6, 0.9, 154);
        List<SpeechRegion> got = regions(p, o);
        // split where the pause began; speech goes on from where it came back (46)
        assertEquals(r(0, 40 * W + PAD), got.get(0));
        assertEquals(46 * W - PAD, got.get(1).startSample());
        // no pause after that: cut hard when it grows past the max (window 106), then start again at
        // the next window; the one-window gap (< twice the padding) is shared half and half
        assertEquals(106 * W + W / 2, got.get(1).endSample());
        assertEquals(107 * W - W / 2, got.get(2).startSample());
        for (SpeechRegion region : got) {
            assertTrue(region.length() <= max + W + 2 * PAD, region + " is longer than 2 s");
        }
        // the same without a limit is one region
        assertEquals(List.of(r(0, 200 * W)), regions(p, o.withMaxSpeechSeconds(Double.POSITIVE_INFINITY)));
    }

    @Test
    void aSplitDuringAPauseWaitsForSpeechToComeBack() {
        VadOptions o = VadOptions.DEFAULTS.withMinSilenceMs(2000).withMaxSpeechSeconds(2.0);
        // speech 0..49, pause 50..69 (split point from window 54 on), exceeded at window 60
        float[] p = runs(0.9, 50, 0.0, 20, 0.9, 30);
        assertEquals(List.of(r(0, 50 * W + PAD), r(70 * W - PAD, 100 * W)), regions(p, o));
    }

    @Test
    void optionsAreChecked() {
        assertEquals(0.35, VadOptions.DEFAULTS.negativeThreshold(), 1e-12);
        assertEquals(0.01, VadOptions.DEFAULTS.withThreshold(0.1).negativeThreshold(), 1e-12);
        assertThrows(GenloomException.class, () -> VadOptions.DEFAULTS.withThreshold(0));
        assertThrows(GenloomException.class, () -> VadOptions.DEFAULTS.withThreshold(1));
        assertThrows(GenloomException.class, () -> VadOptions.DEFAULTS.withMinSpeechMs(-1));
        assertThrows(GenloomException.class, () -> VadOptions.DEFAULTS.withMinSilenceMs(-1));
        assertThrows(GenloomException.class, () -> VadOptions.DEFAULTS.withSpeechPadMs(-1));
        assertThrows(GenloomException.class, () -> VadOptions.DEFAULTS.withMaxSpeechSeconds(0));
        assertThrows(GenloomException.class, () -> VadOptions.DEFAULTS.withMaxSpeechSeconds(Double.NaN));
        // a max speech duration that the window and padding use up
        GenloomException tooShort = assertThrows(GenloomException.class,
                () -> regions(runs(0.9, 10), VadOptions.DEFAULTS.withMaxSpeechSeconds(0.05)));
        assertTrue(tooShort.getMessage().contains("max speech duration"), tooShort.getMessage());
    }

    @Test
    void eightKilohertzUsesItsOwnWindow() {
        // 256-sample windows at 8 kHz: 30 ms padding = 240 samples
        float[] p = runs(0.0, 10, 0.9, 20, 0.0, 10);
        assertEquals(List.of(r(10 * 256 - 240, 30 * 256 + 240)),
                SpeechSegmenter.regions(p, 256, 40 * 256, 8000, VadOptions.DEFAULTS));
    }
}
