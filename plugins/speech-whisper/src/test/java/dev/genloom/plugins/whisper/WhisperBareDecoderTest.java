package dev.genloom.plugins.whisper;

import dev.genloom.api.GenloomException;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareDecoder;
import dev.genloom.zoo.testkit.whisper.WhisperExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The family's bare ONNX Runtime decoding loop, the benchmark's baseline, through the host. */
class WhisperBareDecoderTest {

    @Test
    void theBareLoopRunsTheSplitDecoderAndSaysWhatIsMissing(@TempDir Path dir) throws Exception {
        Path kit = WhisperExport.write(dir.resolve("whisper"), WhisperExport.TINY,
                EnumSet.of(WhisperExport.File.ENCODER, WhisperExport.File.DECODER, WhisperExport.File.DECODER_WITH_PAST));
        try (Genloom genloom = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build()) {
            try (BareDecoder bare = genloom.bareDecoder(kit.toString())) {
                BareDecoder.Decoded a = bare.decode(null, 12);
                BareDecoder.Decoded b = bare.decode(null, 12);
                assertEquals(12, a.tokens().length);
                assertArrayEquals(a.tokens(), b.tokens(), "greedy over the same encoding decodes the same tokens");
                assertTrue(a.millisPerStep() > 0 && a.millisPerStep() < 1000, "ms per token " + a.millisPerStep());
            }
            Files.delete(kit.resolve("onnx/decoder_with_past_model.onnx"));
            GenloomException e = assertThrows(GenloomException.class, () -> genloom.bareDecoder(kit.toString()));
            assertTrue(e.getMessage().contains("decoder_with_past_model.onnx"), e.getMessage());
        }
    }
}
