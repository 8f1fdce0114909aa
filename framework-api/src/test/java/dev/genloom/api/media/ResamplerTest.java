package dev.genloom.api.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {

    /** {@code frames} samples of {@code amp * sin(2 pi f t + phase)} at {@code rate}. */
    static float[] sine(double f, double amp, double phase, int rate, int frames) {
        float[] s = new float[frames];
        for (int i = 0; i < frames; i++) {
            s[i] = (float) (amp * Math.sin(2 * Math.PI * f * i / rate + phase));
        }
        return s;
    }

    /** RMS of a - b over [from, to). */
    static double rmsDiff(float[] a, float[] b, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum / (to - from));
    }

    static double rms(float[] a, int from, int to) {
        return rmsDiff(a, new float[a.length], from, to);
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @CsvSource({"44100, 16000", "48000, 16000", "8000, 16000", "22050, 16000", "16000, 44100", "44100, 48000",
            "96000, 16000", "11025, 16000", "44100, 16001"}) // the last needs interpolated phases
    void keepsTheFrequencyAndAmplitudeOfATone(int from, int to) {
        double seconds = 1.0;
        int frames = (int) (from * seconds);
        float[] in = sine(1000, 0.8, 0.3, from, frames);
        float[] out = Resampler.of(from, to).resample(in);
        assertEquals(Math.round((double) frames * to / from), out.length);
        float[] expected = sine(1000, 0.8, 0.3, to, out.length);
        int edge = to / 20; // 50 ms: the filter sees silence beyond the ends
        double err = rmsDiff(out, expected, edge, out.length - edge);
        assertTrue(err < 1e-3, "RMS error " + err + " for " + from + " -> " + to);
        // the amplitude too, not just the shape: RMS of a 0.8 sine is 0.8 / sqrt(2)
        assertEquals(0.8 / Math.sqrt(2), rms(out, edge, out.length - edge), 1e-3);
    }

    @ParameterizedTest(name = "{2} Hz tone, {0} Hz -> {1} Hz")
    @CsvSource({"44100, 16000, 10000", "44100, 16000, 8500", "48000, 16000, 12000", "44100, 16001, 10000",
            "44100, 22050, 15000"})
    void removesWhatLiesAboveTheTargetNyquistInsteadOfAliasingIt(int from, int to, double tone) {
        float[] in = sine(tone, 0.9, 0, from, from);
        float[] out = Resampler.of(from, to).resample(in);
        int edge = to / 20;
        double gainDb = 20 * Math.log10(rms(out, edge, out.length - edge) / rms(in, 0, in.length));
        assertTrue(gainDb < -70, tone + " Hz from " + from + " to " + to + " Hz is attenuated only " + gainDb + " dB");
    }

    @Test
    void upsamplingAddsNoImages() {
        // 3 kHz at 8 kHz has an image at 5 kHz once the rate is 16 kHz; only the 3 kHz tone may remain.
        float[] out = Resampler.of(8000, 16000).resample(sine(3000, 0.5, 0, 8000, 8000));
        float[] expected = sine(3000, 0.5, 0, 16000, out.length);
        double err = rmsDiff(out, expected, 800, out.length - 800);
        assertTrue(err < 1e-3, "RMS error " + err);
    }

    @Test
    void keepsALevelSignalLevelAwayFromTheEdges() {
        float[] ones = new float[44100];
        java.util.Arrays.fill(ones, 0.5f);
        float[] out = Resampler.of(44100, 16000).resample(ones);
        for (int i = 400; i < out.length - 400; i++) {
            assertEquals(0.5f, out[i], 1e-4f, "sample " + i);
        }
    }

    @Test
    void lengthsRoundToTheNearestFrame() {
        assertEquals(16000, Resampler.outputFrames(44100, 44100, 16000));
        assertEquals(0, Resampler.outputFrames(0, 44100, 16000));
        assertEquals(0, Resampler.outputFrames(1, 44100, 16000)); // 0.36
        assertEquals(1, Resampler.outputFrames(2, 44100, 16000)); // 0.73
        assertEquals(363, Resampler.outputFrames(1000, 44100, 16000)); // 362.8
        assertEquals(2, Resampler.outputFrames(1, 8000, 16000));
        assertEquals(2, Resampler.outputFrames(7, 48000, 16000)); // 2.33
        assertEquals(3, Resampler.outputFrames(8, 48000, 16000)); // 2.67
        assertEquals(2, Resampler.outputFrames(5, 48000, 16000)); // 1.67 -> 2
        for (int frames : new int[] {0, 1, 2, 3, 441, 1000, 12345}) {
            assertEquals(Math.round(frames * 16000.0 / 44100), Resampler.of(44100, 16000).resample(new float[frames]).length);
        }
    }

    @Test
    void equalRatesKeepTheSamples() {
        float[] in = sine(440, 0.7, 0.1, 16000, 1234);
        assertArrayEquals(in, Resampler.of(16000, 16000).resample(in));
        Audio a = Audio.mono(in, 16000);
        assertSame(a, a.resample(16000));
        assertEquals(a, a.monoAt(16000));
    }

    @Test
    void resamplesEachChannelOnItsOwn() {
        int from = 44100;
        float[] left = sine(500, 0.6, 0, from, from);
        float[] right = sine(2000, 0.3, 1, from, from);
        float[] interleaved = new float[2 * from];
        for (int i = 0; i < from; i++) {
            interleaved[2 * i] = left[i];
            interleaved[2 * i + 1] = right[i];
        }
        Audio out = new Audio(interleaved, from, 2).resample(16000);
        assertEquals(16000, out.sampleRate());
        assertEquals(2, out.channels());
        assertEquals(16000, out.frames());
        assertTrue(rmsDiff(out.channel(0), sine(500, 0.6, 0, 16000, 16000), 800, 15200) < 1e-3);
        assertTrue(rmsDiff(out.channel(1), sine(2000, 0.3, 1, 16000, 16000), 800, 15200) < 1e-3);

        Audio mono = new Audio(interleaved, from, 2).monoAt(16000);
        assertEquals(1, mono.channels());
        float[] mix = new float[16000];
        float[] l = sine(500, 0.6, 0, 16000, 16000);
        float[] r = sine(2000, 0.3, 1, 16000, 16000);
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (l[i] + r[i]) / 2;
        }
        assertTrue(rmsDiff(mono.samples(), mix, 800, 15200) < 1e-3);
    }

    @Test
    void emptyAudioStaysEmpty() {
        Audio empty = Audio.mono(new float[0], 44100).monoAt(16000);
        assertEquals(0, empty.frames());
        assertEquals(16000, empty.sampleRate());
    }

    @Test
    void refusesRatesThatAreNotPositive() {
        GenloomException e = assertThrows(GenloomException.class, () -> Resampler.of(0, 16000));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertThrows(GenloomException.class, () -> Audio.mono(new float[10], 16000).resample(-1));
        assertThrows(GenloomException.class, () -> Resampler.of(16000, 8000).resample(new float[3], 2));
    }

    @Test
    void aMinuteOfCdStereoTakesWellUnderASecond() {
        int from = 44100;
        float[] stereo = new float[60 * from * 2];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < stereo.length; i++) {
            stereo[i] = random.nextFloat() - 0.5f;
        }
        Audio clip = new Audio(stereo, from, 2);
        clip.resample(16000); // warm up the JIT and the table cache
        long t0 = System.nanoTime();
        Audio out = clip.resample(16000);
        double stereoSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        clip.monoAt(16000);
        double monoSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("resample 60 s 44.1 kHz stereo -> 16 kHz: %.3f s; monoAt(16000): %.3f s%n",
                stereoSeconds, monoSeconds);
        assertEquals(60 * 16000, out.frames());
        // a loose bound, so a busy machine does not fail the build; the printed time is the measure
        assertTrue(stereoSeconds < 5, stereoSeconds + " s");
    }
}
