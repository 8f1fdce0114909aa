package dev.genloom.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeechBenchTest {

    @Test
    void theSyntheticClipIsSpeechLikeAndRepeatable() {
        float[] a = SpeechBench.speechLike(10, 16000, 7);
        float[] b = SpeechBench.speechLike(10, 16000, 7);
        assertTrue(Arrays.equals(a, b));
        int loud = 0;
        for (int i = 0; i < a.length; i += 160) {
            double e = 0;
            for (int j = i; j < Math.min(a.length, i + 160); j++) {
                e += a[j] * a[j];
            }
            if (Math.sqrt(e / 160) > 0.02) {
                loud++;
            }
        }
        double fraction = loud / (a.length / 160.0);
        assertTrue(fraction > 0.4 && fraction < 0.95, "voiced fraction " + fraction + ": words with pauses");
    }
}
