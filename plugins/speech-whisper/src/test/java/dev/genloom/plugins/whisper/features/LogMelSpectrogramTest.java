package dev.genloom.plugins.whisper.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genloom.api.GenloomException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The features against {@link ReferenceLogMel}, a direct DFT and the mel formulas, to 1e-4. */
class LogMelSpectrogramTest {

    private static final int SR = 16000;
    private static final double TOLERANCE = 1e-4;
    private static final LogMelSpectrogram MEL80 = LogMelSpectrogram.whisper(80);
    private static final LogMelSpectrogram MEL128 = LogMelSpectrogram.whisper(128);

    /** Linear chirp from 50 Hz to 7.5 kHz over exactly 30 s: the reflect padding at the end reads audio. */
    static float[] chirp(int samples) {
        float[] x = new float[samples];
        double f0 = 50;
        double f1 = 7500;
        double duration = samples / (double) SR;
        for (int i = 0; i < samples; i++) {
            double t = i / (double) SR;
            double phase = 2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * duration));
            x[i] = (float) (0.5 * Math.sin(phase));
        }
        return x;
    }

    /** Three tones of different loudness plus seeded white noise. */
    static float[] tonesAndNoise(int samples, long seed) {
        Random random = new Random(seed);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            double t = i / (double) SR;
            double v = 0.3 * Math.sin(2 * Math.PI * 440 * t) + 0.1 * Math.sin(2 * Math.PI * 1234.5 * t + 1)
                    + 0.02 * Math.sin(2 * Math.PI * 5000 * t) + 0.01 * random.nextGaussian();
            x[i] = (float) v;
        }
        return x;
    }

    static void assertClose(double[][] expected, float[] actual, int frames, String what) {
        int mels = expected.length;
        assertEquals(mels * frames, actual.length, what + ": size");
        double worst = 0;
        int worstM = -1;
        int worstT = -1;
        for (int m = 0; m < mels; m++) {
            for (int t = 0; t < frames; t++) {
                double d = Math.abs(expected[m][t] - actual[m * frames + t]);
                if (!(d <= worst)) {
                    worst = d;
                    worstM = m;
                    worstT = t;
                }
            }
        }
        assertTrue(worst <= TOLERANCE, what + ": largest difference " + worst + " at mel " + worstM + ", frame "
                + worstT + " (expected " + (worstM < 0 ? "?" : expected[worstM][worstT]) + ")");
    }

    @Test
    void chirpOfExactlyThirtySecondsMatchesTheReference() {
        float[] x = chirp(480000);
        float[] features = MEL80.compute(x);
        assertEquals(80, MEL80.mels());
        assertEquals(3000, MEL80.frames());
        assertEquals(480000, MEL80.samplesPerWindow());
        assertClose(ReferenceLogMel.whisper(x, 80), features, 3000, "chirp, 80 mels");
    }

    @Test
    void tonesWithNoiseMatchTheReferenceWith128Mels() {
        float[] x = tonesAndNoise(20 * SR + 77, 42);
        assertClose(ReferenceLogMel.whisper(x, 128), MEL128.compute(x), 3000, "tones and noise, 128 mels");
    }

    @Test
    void shortClipIsZeroPaddedToThirtySeconds() {
        float[] x = tonesAndNoise(SR * 13 / 10, 7); // 1.3 s
        float[] features = MEL80.compute(x);
        assertClose(ReferenceLogMel.whisper(x, 80), features, 3000, "1.3-s clip, 80 mels");
        // Past the audio and the reach of its last frame, every value is the clamp floor of the window.
        float floor = features[0];
        for (float v : features) {
            floor = Math.min(floor, v);
        }
        for (int m = 0; m < 80; m++) {
            assertEquals(floor, features[m * 3000 + 2999], "mel " + m + " of the last frame");
        }
        assertEquals(130, MEL80.contentFrames(x.length));
    }

    @Test
    void shortClipWith128MelsMatchesTheReference() {
        float[] x = chirp(SR * 13 / 10);
        assertClose(ReferenceLogMel.whisper(x, 128), MEL128.compute(x), 3000, "1.3-s chirp, 128 mels");
    }

    @Test
    void longerClipIsTrimmedToThirtySeconds() {
        float[] x = tonesAndNoise(35 * SR, 3);
        float[] features = MEL80.compute(x);
        assertClose(ReferenceLogMel.whisper(Arrays.copyOf(x, 480000), 80), features, 3000, "35-s clip, 80 mels");
        assertArrayEquals(MEL80.compute(x, 0, 480000), features, "the samples past 30 s are ignored");
        assertEquals(3000, MEL80.contentFrames(x.length));
    }

    @Test
    void silenceIsTheConstantMinusOneAndAHalf() {
        // log10(1e-10) = -10 everywhere, which is also the max, so nothing is clamped: (-10 + 4) / 4.
        for (float[] silence : new float[][] {new float[480000], new float[SR], new float[0]}) {
            float[] features = MEL80.compute(silence);
            for (float v : features) {
                assertEquals(-1.5f, v);
            }
        }
        double[][] reference = ReferenceLogMel.whisper(new float[SR], 80);
        assertEquals(-1.5, reference[0][0], 1e-12);
        assertEquals(-1.5, reference[79][2999], 1e-12);
        assertEquals(0, MEL80.contentFrames(0));
    }

    @Test
    void clampKeepsEightDecadesBelowTheWindowsMaximum() {
        // A loud tone for 1 s, then a whisper 1e-6 as loud: its energy is 12 decades lower and clamped.
        float[] x = new float[2 * SR];
        for (int i = 0; i < x.length; i++) {
            double amplitude = i < SR ? 0.8 : 0.8e-6;
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * 1000 * i / (double) SR));
        }
        float[] features = MEL80.compute(x);
        double[][] reference = ReferenceLogMel.whisper(x, 80);
        assertClose(reference, features, 3000, "loud then quiet");
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        for (float v : features) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        // (log + 4) / 4 maps the range of 8 decades to 2 units.
        assertEquals(2.0, max - min, 1e-5, "the dynamic range after the clamp");
        double[][] bank = ReferenceLogMel.filters(80, 400, SR);
        int mel1k = 0; // the filter weighing 1000 Hz (bin 25) most
        for (int m = 1; m < 80; m++) {
            if (bank[m][25] > bank[mel1k][25]) {
                mel1k = m;
            }
        }
        // In the quiet second, the 1-kHz band is far below the floor without the clamp.
        assertEquals(min, features[mel1k * 3000 + 150], 0.0, "the quiet tone is clamped to the floor");
        assertTrue(features[mel1k * 3000 + 50] > min + 1.5, "the loud tone stands above the floor");
    }

    @Test
    void offsetAndLengthSelectThePartOfTheArray() {
        float[] x = tonesAndNoise(5 * SR, 11);
        float[] part = Arrays.copyOfRange(x, 1234, 1234 + 2 * SR);
        assertArrayEquals(MEL80.compute(part), MEL80.compute(x, 1234, 2 * SR));
    }

    @Test
    void writesIntoFloatBuffersAtTheirPosition() {
        float[] a = tonesAndNoise(3 * SR, 1);
        float[] b = chirp(2 * SR);
        int size = MEL80.size();
        assertEquals(80 * 3000, size);
        FloatBuffer heap = FloatBuffer.allocate(2 * size + 5);
        heap.position(5);
        MEL80.compute(a, 0, a.length, heap);
        MEL80.compute(b, 0, b.length, heap);
        assertEquals(5 + 2 * size, heap.position());
        float[] got = new float[size];
        heap.position(5);
        heap.get(got);
        assertArrayEquals(MEL80.compute(a), got);
        heap.get(got);
        assertArrayEquals(MEL80.compute(b), got);

        FloatBuffer direct = ByteBuffer.allocateDirect(size * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        MEL80.compute(b, 0, b.length, direct);
        assertEquals(size, direct.position());
        direct.flip();
        direct.get(got);
        assertArrayEquals(MEL80.compute(b), got);

        GenloomException small = assertThrows(GenloomException.class,
                () -> MEL80.compute(a, 0, a.length, FloatBuffer.allocate(size - 1)));
        assertTrue(small.getMessage().contains("240000"), small.getMessage());
    }

    @Test
    void concurrentCallsGiveTheSameResultsAsSequentialOnes() throws Exception {
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(i % 2 == 0 ? tonesAndNoise((i + 1) * SR, i) : chirp((i + 1) * SR));
        }
        List<float[]> sequential = new ArrayList<>();
        for (float[] x : inputs) {
            sequential.add(MEL80.compute(x));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (float[] x : inputs) {
                    futures.add(pool.submit(() -> MEL80.compute(x)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(sequential.get(i % inputs.size()), futures.get(i).get(), "input " + i % 8);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsBadInput() {
        float[] x = new float[100];
        assertThrows(GenloomException.class, () -> MEL80.compute(x, -1, 10));
        assertThrows(GenloomException.class, () -> MEL80.compute(x, 50, 51));
        assertThrows(GenloomException.class, () -> MEL80.compute(x, 0, -1));
        assertThrows(GenloomException.class, () -> MEL80.compute(null, 0, 0));
        x[42] = Float.NaN;
        GenloomException nan = assertThrows(GenloomException.class, () -> MEL80.compute(x));
        assertTrue(nan.getMessage().contains("sample 42"), nan.getMessage());
        x[42] = Float.POSITIVE_INFINITY;
        assertThrows(GenloomException.class, () -> MEL80.compute(x));
        // A non-finite sample past the window is never read, so it is not an error.
        float[] longer = new float[480001];
        longer[480000] = Float.NaN;
        assertEquals(-1.5f, MEL80.compute(longer)[0]);
        assertThrows(GenloomException.class, () -> MEL80.contentFrames(-1));
    }

    @Test
    void contentFramesRoundUpToWholeHops() {
        assertEquals(1, MEL80.contentFrames(1));
        assertEquals(1, MEL80.contentFrames(160));
        assertEquals(2, MEL80.contentFrames(161));
        assertEquals(2999, MEL80.contentFrames(479999 - 159));
        assertEquals(3000, MEL80.contentFrames(480000));
        assertEquals(3000, MEL80.contentFrames(Integer.MAX_VALUE));
    }
}
