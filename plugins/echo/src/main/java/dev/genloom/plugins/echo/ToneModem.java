package dev.genloom.plugins.echo;

import dev.genloom.api.GenloomException;

/**
 * Text as tones and back: each printable ASCII character is one 40 ms tone at its own frequency
 * (multiples of 50 Hz from 400 Hz, so every tone has a whole number of cycles in its window and
 * the tones are orthogonal); a space is 40 ms of silence; anything else is sent as '?'.
 */
final class ToneModem {
    static final int SAMPLE_RATE = 16_000;
    static final double SYMBOL_SECONDS = 0.04;
    static final int FIRST = 33;
    static final int LAST = 126;
    static final double AMPLITUDE = 0.5;

    private ToneModem() {
    }

    static double frequency(int c) {
        return 400 + (c - FIRST) * 50.0;
    }

    static float[] encode(String text) {
        int n = (int) Math.round(SAMPLE_RATE * SYMBOL_SECONDS);
        float[] out = new float[text.length() * n];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                continue;
            }
            int symbol = c >= FIRST && c <= LAST ? c : '?';
            double w = 2 * Math.PI * frequency(symbol) / SAMPLE_RATE;
            for (int k = 0; k < n; k++) {
                out[i * n + k] = (float) (AMPLITUDE * Math.sin(w * k));
            }
        }
        return out;
    }

    /** Samples per symbol at a rate; the rate must carry the highest tone. */
    static int symbolLength(int sampleRate) {
        double highest = frequency(LAST);
        if (sampleRate < 2.2 * highest) {
            throw GenloomException.invalidInput("the echo model's tones reach " + (int) highest + " Hz; audio at "
                    + sampleRate + " Hz cannot carry them", "give audio sampled at 16 kHz or more");
        }
        return (int) Math.round(sampleRate * SYMBOL_SECONDS);
    }

    /** The character in one window of samples: ' ' for silence, else the strongest tone. */
    static char decodeWindow(float[] samples, int from, int n, int sampleRate) {
        double energy = 0;
        for (int k = 0; k < n; k++) {
            energy += samples[from + k] * samples[from + k];
        }
        double rms = Math.sqrt(energy / n);
        if (rms < AMPLITUDE * 0.1) {
            return ' ';
        }
        int best = '?';
        double bestPower = -1;
        for (int c = FIRST; c <= LAST; c++) {
            double w = 2 * Math.PI * frequency(c) / sampleRate;
            double re = 0;
            double im = 0;
            for (int k = 0; k < n; k++) {
                re += samples[from + k] * Math.cos(w * k);
                im += samples[from + k] * Math.sin(w * k);
            }
            double power = re * re + im * im;
            if (power > bestPower) {
                bestPower = power;
                best = c;
            }
        }
        return (char) best;
    }
}
