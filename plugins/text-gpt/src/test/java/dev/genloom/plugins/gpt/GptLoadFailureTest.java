package dev.genloom.plugins.gpt;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokenizer loads while the session opens: either failing is reported as it was, and a retry loads. */
class GptLoadFailureTest {

    @TempDir
    Path models;

    private Genloom genloom() {
        return Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    private TextToText load(Genloom genloom, Path folder) {
        return (TextToText) genloom.model(folder.toString(), "gpt", Map.of());
    }

    @Test
    void aBrokenTokenizerIsIncompatibleAndNamedAndAFixedOneLoads() throws Exception {
        Path folder = Gpt2Model.write(models.resolve("gpt2-tiny"), Gpt2Model.TINY);
        Path tokenizer = folder.resolve("tokenizer.json");
        byte[] good = Files.readAllBytes(tokenizer);
        Files.writeString(tokenizer, "{\"model\": {\"type\": \"nonsense\"}}");
        try (Genloom genloom = genloom()) {
            GenloomException e = assertThrows(GenloomException.class, () -> load(genloom, folder));
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains(tokenizer.toString()), e.getMessage());

            Files.write(tokenizer, good);
            TextToText lm = load(genloom, folder);
            assertEquals(4, lm.generate("the quick brown fox", TextOptions.defaults().withDoSample(false)
                    .withMaxNewTokens(4).withMinNewTokens(4)).generatedTokens());
        }
    }

    @Test
    void aBrokenModelFileIsReportedWhileTheTokenizerLoadsBesideIt() throws Exception {
        Path folder = Gpt2Model.write(models.resolve("gpt2-tiny"), Gpt2Model.TINY);
        Path onnx = folder.resolve("onnx/model.onnx");
        Files.writeString(onnx, "not an ONNX model");
        try (Genloom genloom = genloom()) {
            GenloomException e = assertThrows(GenloomException.class, () -> load(genloom, folder));
            assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains(onnx.toString()), e.getMessage());
        }
    }
}
