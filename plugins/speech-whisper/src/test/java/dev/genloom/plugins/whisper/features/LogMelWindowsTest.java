package dev.genloom.plugins.whisper.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genloom.api.GenloomException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LogMelWindows} against the direct computation of every window
 * ({@link LogMelSpectrogram#compute(float[], int, int)}), bit for bit, and the count of the frames
 * it computes: each frame of the audio once, plus each window's edge frames.
 */
class LogMelWindowsTest {

    private static final int SR = 16000;
    private static final int WINDOW = 480000;
    private static final LogMelSpectrogram MEL80 = LogMelSpectrogram.whisper(80);

    /** Tones, noise, a chirp and a stretch of silence: a long input whose windows differ in their maximum. */
    static float[] audio(int seconds, long seed) {
        float[] x = LogMelSpectrogramTest.tonesAndNoise(seconds * SR, seed);
        float[] chirp = LogMelSpectrogramTest.chirp(20 * SR);
        System.arraycopy(chirp, 0, x, Math.min(40 * SR, x.length - chirp.length), chirp.length);
        Arrays.fill(x, Math.min(70 * SR, x.length / 2), Math.min(75 * SR, x.length / 2 + 5 * SR), 0.0f);
        for (int i = 0; i < x.length; i++) {
            x[i] *= (float) (0.2 + 0.8 * Math.abs(Math.sin(i / (double) (17 * SR)))); // loudness that drifts
        }
        return x;
    }

    /** The window at frame {@code seek} of {@code x}, as Whisper cuts it: up to 30 s, shorter at the end. */
    static float[] cached(LogMelWindows windows, float[] x, long seek) {
        int offset = (int) (seek * 160);
        return windows.window(x, offset, offset, Math.min(WINDOW, x.length - offset));
    }

    static float[] direct(float[] x, long seek) {
        int offset = (int) (seek * 160);
        return MEL80.compute(x, offset, Math.min(WINDOW, x.length - offset));
    }

    @Test
    void overlappingWindowsGiveTheDirectFeaturesBitForBit() {
        float[] x = audio(160, 5);
        LogMelWindows windows = new LogMelWindows(MEL80);
        // large and small overlaps (7996: one frame), windows that abut (10993), one that goes back
        // (10000), one that skips ahead (13500), a window that ends exactly with the audio (13000), the end
        // of the audio inside a window, a last window of one frame
        long[] seeks = {0, 2400, 2401, 2403, 5000, 7996, 10993, 10000, 13500, 13000, 14000, 15000, 15910, 15999};
        for (long seek : seeks) {
            assertArrayEquals(direct(x, seek), cached(windows, x, seek), "window at frame " + seek);
        }
        assertTrue(windows.framesReused() > 0);
    }

    @Test
    void eachFrameOfALongTranscriptionIsComputedOnceBesidesTheEdgeFrames() {
        float[] x = audio(180, 8);
        int totalFrames = (x.length + 159) / 160;
        LogMelWindows windows = new LogMelWindows(MEL80);
        assertEquals(3, windows.edgeFramesPerWindow());
        SplittableRandom random = new SplittableRandom(3);
        BitSet inner = new BitSet();
        int count = 0;
        long seek = 0;
        while (seek < totalFrames) {
            float[] got = cached(windows, x, seek);
            if (count % 4 == 0) {
                assertArrayEquals(direct(x, seek), got, "window at frame " + seek);
            }
            inner.set((int) seek + 2, (int) seek + 2999); // frames 2 .. 2998 read the window's audio alone
            count++;
            seek += 600 + random.nextInt(2400); // Whisper seeks by the last complete timestamp
        }
        assertTrue(count >= 8, "windows: " + count);
        assertEquals(inner.cardinality() + 3L * count, windows.framesComputed(),
                "each inner frame once, and the 3 edge frames of each of the " + count + " windows");
        assertTrue(windows.framesComputed() < 0.75 * 3000 * count,
                windows.framesComputed() + " frames against " + 3000 * count + " window by window");
        assertEquals(3000L * count - windows.framesComputed(), windows.framesReused());
    }

    @Test
    void windowsHandedAsSeparateArraysByTheirPositionGiveTheSameFeatures() {
        float[] x = audio(80, 13);
        LogMelWindows fromWhole = new LogMelWindows(MEL80);
        LogMelWindows fromPieces = new LogMelWindows(MEL80);
        for (long seek : new long[] {0, 1800, 4100, 5000}) {
            int offset = (int) (seek * 160);
            int length = Math.min(WINDOW, x.length - offset);
            float[] piece = new float[length + 7];
            System.arraycopy(x, offset, piece, 7, length);
            float[] expected = fromWhole.window(x, offset, offset, length);
            float[] out = new float[MEL80.size() + 3];
            fromPieces.window(piece, 7, offset, length, out, 3);
            assertArrayEquals(expected, Arrays.copyOfRange(out, 3, out.length), "window at frame " + seek);
        }
        assertEquals(fromWhole.framesComputed(), fromPieces.framesComputed());
    }

    @Test
    void otherSettingsAndPositionsOffTheFrameGridAreStillExact() {
        FeatureSettings small = new FeatureSettings(8000, 512, 100, 40, 16000);
        LogMelSpectrogram mel = LogMelSpectrogram.of(small);
        float[] x = LogMelSpectrogramTest.tonesAndNoise(9 * 8000, 21);
        LogMelWindows windows = new LogMelWindows(mel);
        assertEquals(5, windows.edgeFramesPerWindow()); // frames 0 .. 2 and 158, 159 reach the padding
        for (long position : new long[] {0, 3000, 9100, 9150, 9250, 20000, 25000, 60000, 70000, 71990}) {
            int length = (int) Math.min(16000, x.length - position);
            assertArrayEquals(mel.compute(x, (int) position, length),
                    windows.window(x, (int) position, position, length), "window at sample " + position);
        }
    }

    @Test
    void aSecondAudioAfterResetAndNewAudioEndsAreNotMixedUp() {
        float[] a = audio(50, 1);
        float[] b = audio(45, 2);
        LogMelWindows windows = new LogMelWindows(MEL80);
        assertArrayEquals(direct(a, 0), cached(windows, a, 0));
        assertArrayEquals(direct(a, 2500), cached(windows, a, 2500));
        windows.reset();
        assertArrayEquals(direct(b, 0), cached(windows, b, 0));
        assertArrayEquals(direct(b, 2000), cached(windows, b, 2000));
        // the same positions again, but the audio now ends earlier: nothing of the longer audio is reused
        float[] shorter = Arrays.copyOf(b, 40 * SR);
        assertArrayEquals(direct(shorter, 2000), cached(windows, shorter, 2000));
        assertArrayEquals(direct(shorter, 2100), cached(windows, shorter, 2100));
        assertArrayEquals(direct(b, 2100), cached(windows, b, 2100));
    }

    @Test
    void aNonFiniteSampleIsRefusedInTheWindowThatFirstHoldsItAsTheDirectComputationSays() {
        float[] x = audio(40, 4);
        x[35 * SR] = Float.NaN;
        LogMelWindows windows = new LogMelWindows(MEL80);
        cached(windows, x, 0); // 0 .. 30 s: the sample is not in it
        GenloomException direct = assertThrows(GenloomException.class, () -> direct(x, 2000));
        GenloomException cached = assertThrows(GenloomException.class, () -> cached(windows, x, 2000));
        assertEquals(direct.getMessage(), cached.getMessage());
        assertTrue(cached.getMessage().contains("sample " + (35 * SR - 2000 * 160)), cached.getMessage());
        assertThrows(GenloomException.class, () -> windows.window(x, -1, 0, 10));
        assertThrows(GenloomException.class, () -> windows.window(x, 0, -160, 10));
        assertThrows(GenloomException.class, () -> windows.window(x, 0, 0, 10, new float[10], 0));
    }
}
