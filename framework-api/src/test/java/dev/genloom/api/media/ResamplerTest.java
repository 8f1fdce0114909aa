package dev.genloom.api.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {

    static float[] sine(double hz, int rate, double seconds, double amplitude) {
        float[] x = new float[(int) Math.round(rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    /** RMS difference against the analytic sine, away from the edges (where the filter sees zeros). */
    static double rmsError(float[] y, double hz, int rate, double amplitude) {
        int edge = rate / 20;
        double sum = 0;
        int n = 0;
        for (int i = edge; i < y.length - edge; i++) {
            double want = amplitude * Math.sin(2 * Math.PI * hz * i / rate);
            sum += (y[i] - want) * (y[i] - want);
            n++;
        }
        return Math.sqrt(sum / n);
    }

    static double rms(float[] y) {
        int edge = y.length / 10;
        double sum = 0;
        for (int i = edge; i < y.length - edge; i++) {
            sum += (double) y[i] * y[i];
        }
        return Math.sqrt(sum / (y.length - 2 * edge));
    }

    @ParameterizedTest
    @CsvSource({"44100,16000", "48000,16000", "8000,16000", "22050,16000", "16000,44100", "16000,48000"})
    void aToneKeepsItsFrequencyAndAmplitude(int from, int to) {
        float[] x = sine(1000, from, 1.0, 0.5);
        float[] y = Resampler.of(from, to).apply(x);
        assertEquals(Math.round(x.length * (double) to / from), y.length);
        double err = rmsError(y, 1000, to, 0.5);
        assertTrue(err < 1e-3, from + " -> " + to + ": RMS error " + err);
    }

    @Test
    void toneAboveTheNewNyquistIsRemoved() {
        // 10 kHz exists at 44.1 kHz but not at 16 kHz (Nyquist 8 kHz): it must not alias to 6 kHz
        float[] x = sine(10000, 44100, 1.0, 0.5);
        float[] y = Resampler.of(44100, 16000).apply(x);
        double attenuationDb = 20 * Math.log10(rms(y) / (0.5 / Math.sqrt(2)));
        assertTrue(attenuationDb < -60, "10 kHz attenuated by only " + attenuationDb + " dB");
        // and 7 kHz (below the new Nyquist, in the pass band edge region) is kept within 3 dB... 6 kHz within 0.1 dB
        float[] y6 = Resampler.of(44100, 16000).apply(sine(6000, 44100, 1.0, 0.5));
        double gainDb = 20 * Math.log10(rms(y6) / (0.5 / Math.sqrt(2)));
        assertTrue(Math.abs(gainDb) < 0.1, "6 kHz gain " + gainDb + " dB");
    }

    @Test
    void aRatioWithManyPhasesStillResamplesCorrectly() {
        // 44100 -> 16001 reduces to 16001/44100: beyond the tap table, computed per sample
        float[] y = Resampler.of(44100, 16001).apply(sine(500, 44100, 0.5, 0.3));
        assertTrue(rmsError(y, 500, 16001, 0.3) < 1e-3);
    }

    @Test
    void equalRatesAndTheAudioMethods() {
        float[] x = sine(440, 16000, 0.1, 0.2);
        assertArrayEquals(x, Resampler.of(16000, 16000).apply(x));
        Audio mono = Audio.mono(x, 16000);
        assertSame(mono, mono.resample(16000));
        // stereo at 48 kHz with a tone on the left and silence on the right: mono at 16 kHz is half the tone
        float[] left = sine(440, 48000, 0.5, 0.4);
        float[] stereo = new float[left.length * 2];
        for (int i = 0; i < left.length; i++) {
            stereo[2 * i] = left[i];
        }
        Audio a = new Audio(stereo, 48000, 2);
        Audio resampled = a.resample(16000);
        assertEquals(2, resampled.channels());
        assertEquals(8000, resampled.frames());
        assertTrue(rmsError(resampled.channel(0), 440, 16000, 0.4) < 1e-3);
        Audio m = a.monoAt(16000);
        assertEquals(1, m.channels());
        assertEquals(16000, m.sampleRate());
        assertTrue(rmsError(m.samples(), 440, 16000, 0.2) < 1e-3);
    }
}
