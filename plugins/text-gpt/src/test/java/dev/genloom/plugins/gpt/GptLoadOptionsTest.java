package dev.genloom.plugins.gpt;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin's load options as YAML and callers give them, read through the SPI's typed options. */
class GptLoadOptionsTest {

    @TempDir
    static Path models;
    static Genloom genloom;

    static final TextOptions GREEDY = TextOptions.defaults().withDoSample(false).withMaxNewTokens(8)
            .withMinNewTokens(8);

    @BeforeAll
    static void setUp() {
        Gpt2Model.write(models.resolve("gpt2-tiny"), Gpt2Model.TINY);
        genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        genloom.close();
    }

    static TextToText lm(Map<String, Object> options) {
        return (TextToText) genloom.model(models.resolve("gpt2-tiny").toString(), "gpt", options);
    }

    @Test
    void cacheAsTextIsTheSameAsTheBoolean() {
        Generation asText = lm(Map.of("cache", "False")).generate("the quick brown fox", GREEDY);
        Generation asBoolean = lm(Map.of("cache", false)).generate("the quick brown fox", GREEDY);
        assertArrayEquals(asBoolean.tokenIds(), asText.tokenIds());
        GenloomException e = assertThrows(GenloomException.class, () -> lm(Map.of("cache", List.of(true))));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith("load option cache of model '"), e.getMessage());
        assertTrue(e.getMessage().endsWith("must be true or false, got the list [true]"), e.getMessage());
    }

    @Test
    void theFileOptionFromYaml() throws Exception {
        Path folder = models.resolve("gpt2-tiny");
        Files.writeString(folder.resolve("genloom-model.yaml"), "options:\n  file: onnx/model.onnx\n  cache: no\n");
        try {
            TextToText m = lm(Map.of());
            assertEquals(8, m.generate("the quick brown fox", GREEDY).generatedTokens());
            GenloomException e = assertThrows(GenloomException.class, () -> lm(Map.of("file", Map.of("a", 1))));
            assertEquals(ErrorKind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains("load option file of model '"), e.getMessage());
            assertTrue(e.getMessage().endsWith("must be a single value, got the mapping {a=1}"), e.getMessage());
        } finally {
            Files.delete(folder.resolve("genloom-model.yaml"));
        }
    }
}
