package dev.genloom.plugins.ocr.recognize;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CtcDecoderTest {
    static final String[] CLASSES = {"", "a", "b", "c", " "};

    /** Steps whose most probable class is {@code best[t]} with probability {@code p[t]}. */
    static float[] steps(int[] best, float[] p) {
        float[] out = new float[best.length * CLASSES.length];
        for (int t = 0; t < best.length; t++) {
            float rest = (1 - p[t]) / (CLASSES.length - 1);
            for (int c = 0; c < CLASSES.length; c++) {
                out[t * CLASSES.length + c] = c == best[t] ? p[t] : rest;
            }
        }
        return out;
    }

    @Test
    void repeatsMergeBlanksSeparateAndTheConfidenceIsTheMeanOfTheKeptSteps() {
        CtcDecoder d = new CtcDecoder(CLASSES);
        float[] x = steps(new int[] {0, 1, 1, 0, 1, 2, 4, 3, 3, 0}, new float[] {.9f, .8f, .99f, .9f, .6f, .7f, .5f, .9f, .2f, .9f});
        CtcDecoder.Decoded r = d.decode(x, 0, 10);
        assertEquals("aab c", r.text());
        assertEquals((.8 + .6 + .7 + .5 + .9) / 5, r.confidence(), 1e-6, "the first step of each kept run");
        CtcDecoder.Decoded blank = d.decode(steps(new int[] {0, 0}, new float[] {.9f, .9f}), 0, 2);
        assertEquals("", blank.text());
        assertEquals(0, blank.confidence());
        // an offset into a batch
        float[] two = new float[x.length * 2];
        System.arraycopy(x, 0, two, x.length, x.length);
        assertEquals("aab c", d.decode(two, x.length, 10).text());
    }

    @Test
    void theKeyListGivesBlankKeysAndASpace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.txt");
        Files.writeString(file, "a\r\nb\nc\n");
        KeyList keys = KeyList.read(file);
        assertEquals(3, keys.size());
        assertArrayEquals(CLASSES, keys.forClasses(5, dir.resolve("rec.onnx")));
        assertArrayEquals(new String[] {"", "a", "b", "c"}, keys.forClasses(4, dir.resolve("rec.onnx")));
        GenloomException e = assertThrows(GenloomException.class, () -> keys.forClasses(9, dir.resolve("rec.onnx")));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("9 classes") && e.getMessage().contains("3 keys"), e.getMessage());
        Files.writeString(file, "\n");
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, assertThrows(GenloomException.class, () -> KeyList.read(file)).kind());
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, assertThrows(GenloomException.class, () -> KeyList.read(file)).kind());
    }

    @Test
    void theRealKeyListFitsTheRealRecogniser() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the check of ppocr_keys_v1.txt");
        KeyList keys = KeyList.read(Path.of(dir, "paddleocr-v4", "ppocr_keys_v1.txt"));
        assertEquals(6623, keys.size());
        String[] classes = keys.forClasses(6625, Path.of("rec.onnx"));
        assertEquals(" ", classes[6624]);
        assertEquals(List.of("", "'"), List.of(classes[0], classes[1]));
    }
}
