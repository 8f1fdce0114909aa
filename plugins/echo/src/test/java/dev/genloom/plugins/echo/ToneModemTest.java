package dev.genloom.plugins.echo;

import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToneModemTest {

    private static String decode(float[] samples, int rate) {
        int n = ToneModem.symbolLength(rate);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < samples.length / n; s++) {
            sb.append(ToneModem.decodeWindow(samples, s * n, n, rate));
        }
        return sb.toString();
    }

    @Test
    void everyPrintableCharacterSurvivesTheRoundTrip() {
        StringBuilder all = new StringBuilder();
        for (char c = 32; c <= 126; c++) {
            all.append(c);
        }
        float[] samples = ToneModem.encode(all.toString());
        assertEquals(all.length() * 640, samples.length);
        assertEquals(all.toString(), decode(samples, ToneModem.SAMPLE_RATE));
    }

    @Test
    void charactersOutsideAsciiAreSentAsQuestionMarks() {
        assertEquals("caf? ?", decode(ToneModem.encode("café ü"), ToneModem.SAMPLE_RATE));
    }

    @Test
    void decodesAtOtherRatesWhenResampledExactly() {
        // 48 kHz: synthesise the same tones at the higher rate and decode them there.
        int rate = 48_000;
        int n = ToneModem.symbolLength(rate);
        String text = "Hi 42";
        float[] samples = new float[text.length() * n];
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                continue;
            }
            double w = 2 * Math.PI * ToneModem.frequency(text.charAt(i)) / rate;
            for (int k = 0; k < n; k++) {
                samples[i * n + k] = (float) (0.3 * Math.sin(w * k + 0.7));
            }
        }
        assertEquals(text, decode(samples, rate));
    }

    @Test
    void refusesRatesThatCannotCarryTheTones() {
        GenloomException e = assertThrows(GenloomException.class, () -> ToneModem.symbolLength(8000));
        assertTrue(e.getMessage().contains("8000 Hz"), e.getMessage());
    }
}
