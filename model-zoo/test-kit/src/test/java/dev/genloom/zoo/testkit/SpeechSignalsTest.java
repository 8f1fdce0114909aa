package dev.genloom.zoo.testkit;

import dev.genloom.api.media.Audio;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeechSignalsTest {

    @Test
    void isLoudEnoughButNeverClipsEvenInTheLouderStereoChannel() {
        float[] s = SpeechSignals.samples(48000, SpeechSignals.SECONDS);
        assertEquals(144000, s.length);
        float peak = 0;
        double energy = 0;
        for (float v : s) {
            peak = Math.max(peak, Math.abs(v));
            energy += v * v;
        }
        double rms = Math.sqrt(energy / s.length);
        System.out.printf("speech signal: peak %.3f, RMS %.3f%n", peak, rms);
        assertTrue(peak < 0.65 && peak > 0.3, "peak " + peak);
        assertTrue(rms > 0.05, "RMS " + rms);
    }

    @Test
    void isSilentAtBothEndsAndInTheMiddlePause() {
        float[] s = SpeechSignals.samples(16000, 3.0);
        for (int i : new int[] {0, 800, 1599, 1500 * 16 - 1, 1500 * 16, 1500 * 16 + 1000, 48000 - 1600, 47999}) {
            assertEquals(0f, s[i], "sample " + i);
        }
        assertTrue(Math.abs(s[8000]) + Math.abs(s[8001]) + Math.abs(s[8002]) > 0);
    }

    @Test
    void isTheSameSignalAtEveryRate() {
        // band-limited below 4 kHz: 48 kHz resampled to 16 kHz is the 16 kHz rendering
        float[] at16 = SpeechSignals.samples(16000, 3.0);
        float[] from48 = SpeechSignals.mono(48000, 3.0).monoAt(16000).samples();
        assertEquals(at16.length, from48.length);
        double err = 0;
        for (int i = 0; i < at16.length; i++) {
            err += (at16[i] - from48[i]) * (at16[i] - from48[i]);
        }
        assertTrue(Math.sqrt(err / at16.length) < 1e-4, "RMS difference " + Math.sqrt(err / at16.length));
        assertArrayEquals(at16, SpeechSignals.samples(16000, 3.0));

        Audio stereo = SpeechSignals.stereo(44100, 3.0);
        assertEquals(2, stereo.channels());
        float[] mono = SpeechSignals.samples(44100, 3.0);
        assertArrayEquals(mono, stereo.toMono().samples(), 1e-6f);
    }
}
