package dev.genloom.plugins.whisper;

import dev.genloom.zoo.testkit.whisper.WhisperExport;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin's load options, read through the SPI's typed options, and the split pair's signature check. */
class WhisperLoadOptionsTest {

    @TempDir
    static Path models;
    static Path kit;

    @BeforeAll
    static void setUp() {
        kit = WhisperExport.write(models.resolve("whisper-kit"),
                WhisperExport.TINY);
    }

    static boolean merged(Map<String, Object> options) {
        try (WhisperModel m = Direct.open(kit, options)) {
            return m.graph.merged();
        }
    }

    @Test
    void theDecoderIsChosenByNameInAnyCase() {
        assertFalse(merged(Map.of()), "the split pair where both files are present");
        assertTrue(merged(Map.of("decoder", "merged")));
        assertTrue(merged(Map.of("decoder", " MERGED ")));
        assertFalse(merged(Map.of("decoder", "split")));
        assertFalse(merged(Map.of("decoder", "auto")));
        GenloomException e = assertThrows(GenloomException.class, () -> merged(Map.of("decoder", "both")));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("load option decoder of model 'whisper-kit' must be one of auto, merged, split, got 'both'",
                e.getMessage());
    }

    @Test
    void cacheTakesABooleanOrItsText() {
        assertTrue(merged(Map.of("cache", "false", "decoder", "merged")));
        assertFalse(merged(Map.of("cache", false)));
        GenloomException e = assertThrows(GenloomException.class, () -> merged(Map.of("cache", "sometimes")));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("load option cache of model 'whisper-kit' must be true or false, "
                + "got 'sometimes'"), e.getMessage());
    }

    @Test
    void aDecoderWithPastWithoutThePastInputsIsRefusedNamingThem() throws Exception {
        Path broken = models.resolve("whisper-no-past");
        WhisperExport.write(broken, WhisperExport.TINY);
        Path withPast = broken.resolve("onnx/decoder_with_past_model.onnx");
        Files.copy(broken.resolve("onnx/decoder_model.onnx"), withPast, StandardCopyOption.REPLACE_EXISTING);
        GenloomException e = assertThrows(GenloomException.class, () -> Direct.open(broken, Map.of()).close());
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        String m = e.getMessage();
        assertTrue(m.startsWith(withPast + " does not fit the whisper family: missing input "
                + "past_key_values.0.decoder.key (float or float16, rank 4 [batch, heads, sequence, head_dim])"), m);
        assertTrue(m.contains("input past_key_values.1.encoder.value"), "every layer of the decoder: " + m);
        assertFalse(m.contains("unexpected"), "encoder_hidden_states may be there: " + m);
        assertTrue(e.hint().contains("decoder with past"), e.hint());
    }
}
