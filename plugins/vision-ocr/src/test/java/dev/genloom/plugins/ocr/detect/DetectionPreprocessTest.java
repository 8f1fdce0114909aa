package dev.genloom.plugins.ocr.detect;

import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DetectionPreprocessTest {

    @Test
    void sidesAreMultiplesOf32WithinTheLimit() {
        DetectionPreprocess max = new DetectionPreprocess(960, LimitType.MAX);
        assertArrayEquals(new int[] {896, 288}, max.size(900, 300), "small enough: kept, rounded to 32");
        // 2480 x 3508 (A4 at 300 dpi): ratio 960 / 3508; 678.7 -> 678 -> 21.19 -> 672; 960 -> 960
        assertArrayEquals(new int[] {672, 960}, max.size(2480, 3508));
        assertArrayEquals(new int[] {32, 32}, max.size(5, 9), "at least 32");
        // 16 / 32 = 0.5 rounds to even (0 -> 32), 48 / 32 = 1.5 to 2
        assertArrayEquals(new int[] {32, 64}, max.size(16, 48));
        DetectionPreprocess min = new DetectionPreprocess(736, LimitType.MIN);
        // 300 -> 736 (x 2.4533): 900 -> 2208
        assertArrayEquals(new int[] {2208, 736}, min.size(900, 300));
        assertArrayEquals(new int[] {992, 800}, min.size(1000, 800), "large enough: kept");
        assertThrows(GenloomException.class, () -> new DetectionPreprocess(16, LimitType.MAX));
    }

    @Test
    void samplesAreNormalisedInBlueGreenRedOrder() {
        // 64 x 32: kept as it is, so each sample is the pixel's own
        byte[] rgb = new byte[64 * 32 * 3];
        for (int p = 0; p < 64 * 32; p++) {
            rgb[p * 3] = (byte) 200;
            rgb[p * 3 + 1] = (byte) 100;
            rgb[p * 3 + 2] = (byte) 30;
        }
        DetectionInput in = new DetectionPreprocess(960, LimitType.MAX).apply(new Image(64, 32, rgb));
        assertEquals(64, in.width());
        assertEquals(32, in.height());
        int plane = 64 * 32;
        assertEquals((30 / 255f - 0.485f) / 0.229f, in.chw()[5], 1e-5, "channel 0 is blue");
        assertEquals((100 / 255f - 0.456f) / 0.224f, in.chw()[plane + 5], 1e-5);
        assertEquals((200 / 255f - 0.406f) / 0.225f, in.chw()[2 * plane + 5], 1e-5, "channel 2 is red");
    }

    @Test
    void resizingIsBilinearWithHalfPixelCentres() {
        // 4 x 1 picture 0, 100, 200, 250 in every channel, to width 32 (x 8): sample at (d + 0.5) / 8 - 0.5
        byte[] rgb = new byte[4 * 3];
        int[] v = {0, 100, 200, 250};
        for (int i = 0; i < 4; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) v[i];
        }
        DetectionInput in = new DetectionPreprocess(960, LimitType.MAX).apply(new Image(4, 1, rgb));
        for (int d = 0; d < 32; d++) {
            double s = Math.max(0, Math.min(3, (d + 0.5) * 4 / 32 - 0.5));
            int a = (int) Math.floor(s);
            int b = Math.min(3, a + 1);
            double expected = v[a] + (v[b] - v[a]) * (s - a);
            assertEquals((expected / 255 - 0.485) / 0.229, in.chw()[d], 1e-4, "column " + d);
            assertEquals(in.chw()[d], in.chw()[31 * 32 + d], 1e-6, "every row alike");
        }
    }
}
