package dev.genloom.zoo.testkit;

import dev.genloom.api.media.Audio;

/**
 * A deterministic, speech-like test signal, defined as a function of time so that it can be
 * rendered exactly at any sample rate: a voiced sound whose pitch glides between 110 and 150 Hz,
 * 24 harmonics shaped by three formants that move from syllable to syllable, under a syllabic
 * amplitude envelope (about four syllables a second, with a pause in the middle and silence at
 * both ends).
 *
 * <p>Everything lies below {@value #MAX_FREQUENCY} Hz, so renderings at 16 kHz and above hold the
 * same signal, and resampling one of them to another rate must give the other (up to the
 * resampler's and the codec's error). The peak stays below 0.65, so the {@link #stereo} channels
 * (1.25 and 0.75 times the signal; their average is the signal) do not clip.
 */
public final class SpeechSignals {
    /** The usual length of a test clip, in seconds. */
    public static final double SECONDS = 3.0;
    /** No component of the signal lies above this frequency, in Hz. */
    public static final double MAX_FREQUENCY = 3800;

    private static final int HARMONICS = 24;
    private static final double F0 = 130;
    private static final double F0_SWING = 20;
    private static final double F0_RATE = 0.7;
    private static final double SYLLABLES_PER_SECOND = 4;
    /** Formant centres (Hz) of the syllables, in turn: rough vowels a, i, u, e, o. */
    private static final double[][] FORMANTS = {
            {730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240}, {530, 1840, 2480}, {570, 840, 2410}};
    private static final double BANDWIDTH = 120;
    private static final double GAIN = 0.4;

    private SpeechSignals() {
    }

    /** The signal at time {@code t} seconds from the start of a clip of {@code seconds}. */
    public static double at(double t, double seconds) {
        double env = envelope(t, seconds);
        if (env == 0) {
            return 0;
        }
        // Phase of the fundamental: the integral of f0(t) = F0 + F0_SWING * sin(2 pi F0_RATE t).
        double w = 2 * Math.PI * F0_RATE;
        double phase = 2 * Math.PI * (F0 * t - F0_SWING / w * (Math.cos(w * t) - 1));
        double f0 = F0 + F0_SWING * Math.sin(w * t);
        // the formants glide from one syllable's vowel to the next (smoothly: no clicks)
        double position = t * SYLLABLES_PER_SECOND;
        int syllable = (int) Math.floor(position);
        double blend = smooth(position - syllable);
        double[] from = FORMANTS[Math.floorMod(syllable, FORMANTS.length)];
        double[] to = FORMANTS[Math.floorMod(syllable + 1, FORMANTS.length)];
        double sum = 0;
        for (int k = 1; k <= HARMONICS; k++) {
            double f = k * f0;
            double a = 0;
            for (int i = 0; i < from.length; i++) {
                double d = (f - (from[i] + blend * (to[i] - from[i]))) / BANDWIDTH;
                a += 1.0 / (1 + d * d) / (i + 1);
            }
            sum += a / Math.sqrt(k) * Math.sin(k * phase + 0.3 * k);
        }
        return GAIN * env * sum;
    }

    /**
     * The syllabic envelope: each syllable a smooth rise and fall; silence in the first and last
     * 0.1 s and in a pause of a quarter second in the middle.
     */
    static double envelope(double t, double seconds) {
        if (t < 0.1 || t > seconds - 0.1) {
            return 0;
        }
        double mid = seconds / 2;
        if (Math.abs(t - mid) < 0.125) {
            return 0;
        }
        double position = (t - 0.1) * SYLLABLES_PER_SECOND;
        double s = Math.sin(Math.PI * position);
        // loudness differs from syllable to syllable (gliding between them), never quite to silence
        int syllable = (int) Math.floor(position);
        double blend = smooth(position - syllable);
        double loudness = (1 - blend) * loudness(syllable) + blend * loudness(syllable + 1);
        return loudness * (0.15 + 0.85 * s * s) * edge(t - 0.1) * edge(seconds - 0.1 - t)
                * edge(Math.abs(t - mid) - 0.125);
    }

    private static double loudness(int syllable) {
        return 0.6 + 0.4 * Math.abs(Math.sin(1.7 * syllable + 0.5));
    }

    /** 0 at x = 0 to 1 at x = 1 along a raised cosine. */
    private static double smooth(double x) {
        return 0.5 - 0.5 * Math.cos(Math.PI * x);
    }

    /** A 30-ms raised-cosine fade from 0 at x = 0 to 1, so that no edge is a click. */
    private static double edge(double x) {
        if (x >= 0.03) {
            return 1;
        }
        return x <= 0 ? 0 : 0.5 - 0.5 * Math.cos(Math.PI * x / 0.03);
    }

    /** The signal sampled at {@code rate} for {@code seconds}: {@code round(seconds * rate)} samples. */
    public static float[] samples(int rate, double seconds) {
        int n = (int) Math.round(seconds * rate);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) at((double) i / rate, seconds);
        }
        return out;
    }

    /** The signal as mono audio. */
    public static Audio mono(int rate, double seconds) {
        return Audio.mono(samples(rate, seconds), rate);
    }

    /** The signal as stereo audio: left 1.25 times it, right 0.75 times; their average is the signal. */
    public static Audio stereo(int rate, double seconds) {
        float[] m = samples(rate, seconds);
        float[] out = new float[2 * m.length];
        for (int i = 0; i < m.length; i++) {
            out[2 * i] = 1.25f * m[i];
            out[2 * i + 1] = 0.75f * m[i];
        }
        return new Audio(out, rate, 2);
    }
}
