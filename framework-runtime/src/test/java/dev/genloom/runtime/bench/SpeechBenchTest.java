package dev.genloom.runtime.bench;

import dev.genloom.api.GenloomException;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.whisper.WhisperModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeechBenchTest {

    @Test
    void theBareLoopRunsTheSplitDecoderAndSaysWhatIsMissing(@TempDir Path dir) throws Exception {
        Path kit = WhisperModel.write(dir.resolve("whisper"), WhisperModel.TINY,
                EnumSet.of(WhisperModel.File.ENCODER, WhisperModel.File.DECODER, WhisperModel.File.DECODER_WITH_PAST));
        try (Genloom genloom = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build()) {
            double ms = SpeechBench.bareDecoderMillisPerToken(genloom, kit.toString(), 12, 1);
            assertTrue(ms > 0 && ms < 1000, "ms per token " + ms);
            Files.delete(kit.resolve("onnx/decoder_with_past_model.onnx"));
            GenloomException e = assertThrows(GenloomException.class,
                    () -> SpeechBench.bareDecoderMillisPerToken(genloom, kit.toString(), 12, 1));
            assertTrue(e.getMessage().contains("decoder_with_past_model.onnx"), e.getMessage());
        }
    }

    @Test
    void theSyntheticClipIsSpeechLikeAndRepeatable() {
        float[] a = SpeechBench.speechLike(10, 16000, 7);
        float[] b = SpeechBench.speechLike(10, 16000, 7);
        assertTrue(java.util.Arrays.equals(a, b));
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
