package dev.genloom.plugins.gpt;

import dev.genloom.api.Generation;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.lm.DecoderExport;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import dev.genloom.zoo.testkit.lm.LlamaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test kit's {@code model_quantized.onnx} (uint8 MatMul weights dequantized in the graph) and
 * its exports without a {@code position_ids} input, through the real host.
 */
class GptQuantizedAndPositionFreeTest {

    @TempDir
    static Path models;
    static Genloom genloom;
    /** A host whose configuration prefers the {@code quantized} dtype. */
    static Genloom preferQuantized;

    static final String PROMPT = "the quick brown fox";
    static final TextOptions GREEDY = TextOptions.defaults().withDoSample(false).withMaxNewTokens(16).withMinNewTokens(16);

    @BeforeAll
    static void setUp() throws IOException {
        Gpt2Model.write(models.resolve("gpt2-tiny"), Gpt2Model.TINY);
        LlamaModel.write(models.resolve("llama-tiny"), LlamaModel.TINY);
        Gpt2Model.write(models.resolve("gpt2-tiny-no-position-ids"), Gpt2Model.TINY,
                EnumSet.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MERGED), false);
        LlamaModel.write(models.resolve("llama-tiny-no-position-ids"), LlamaModel.TINY,
                EnumSet.of(DecoderExport.Variant.MODEL), false);
        genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
        Path yaml = Files.writeString(models.resolve("genloom.yaml"), "dtype: quantized\n");
        preferQuantized = Genloom.builder().configFile(yaml).environment(Map.of()).modelsDir(models)
                .device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        genloom.close();
        preferQuantized.close();
    }

    static TextToText lm(Genloom host, String name, Map<String, Object> options) {
        return (TextToText) host.model(models.resolve(name).toString(), "gpt", options);
    }

    static DecoderGraph graph(String name, String file) {
        Path folder = models.resolve(name);
        try (ai.onnxruntime.OrtSession s = ai.onnxruntime.OrtEnvironment.getEnvironment()
                .createSession(folder.resolve(file).toString())) {
            com.fasterxml.jackson.databind.JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(folder.resolve("config.json").toFile());
            return DecoderGraph.read(s, folder.resolve(file), config);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void quantizedVariantLoadsAndGeneratesCloseToFp32(String name) {
        Generation fp32 = lm(genloom, name, Map.of("file", "model")).generate(PROMPT, GREEDY);
        TextToText quantized = lm(genloom, name, Map.of("file", "model_quantized"));
        Generation q = quantized.generate(PROMPT, GREEDY);
        assertEquals(16, q.generatedTokens());
        assertEquals(fp32.promptTokens(), q.promptTokens());
        // deterministic
        assertArrayEquals(q.tokenIds(), quantized.generate(PROMPT, GREEDY).tokenIds());
        // the weights are close to fp32's: greedy decoding starts the same way
        assertEquals(fp32.tokenIds()[0], q.tokenIds()[0], "first greedy token, fp32 " + fp32 + " quantized " + q);
        DecoderGraph g = graph(name, "onnx/model_quantized.onnx");
        assertTrue(g.positionIds());
        assertFalse(g.useCacheBranch());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void theHostsDtypePreferencePicksTheQuantizedFile(String name) {
        Generation byPreference = lm(preferQuantized, name, Map.of()).generate(PROMPT, GREEDY);
        Generation byFile = lm(genloom, name, Map.of("file", "model_quantized")).generate(PROMPT, GREEDY);
        Generation fp32 = lm(genloom, name, Map.of()).generate(PROMPT, GREEDY);
        assertArrayEquals(byFile.tokenIds(), byPreference.tokenIds());
        assertEquals(byFile.text(), byPreference.text());
        // the default host (fp32 preferred) still runs model.onnx
        assertArrayEquals(lm(genloom, name, Map.of("file", "model")).generate(PROMPT, GREEDY).tokenIds(), fp32.tokenIds());
        // a stem goes through the preference too; a path names the file itself
        assertArrayEquals(byFile.tokenIds(), lm(preferQuantized, name, Map.of("file", "model")).generate(PROMPT, GREEDY).tokenIds());
        assertArrayEquals(fp32.tokenIds(),
                lm(preferQuantized, name, Map.of("file", "onnx/model.onnx")).generate(PROMPT, GREEDY).tokenIds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void withoutPositionIdsTheTokensAreTheSame(String name) {
        String free = name + "-no-position-ids";
        assertFalse(graph(free, "onnx/model.onnx").positionIds(), "the export has no position_ids input");
        TextToText with = lm(genloom, name, Map.of("file", "model"));
        TextToText without = lm(genloom, free, Map.of("file", "model"));
        Generation alone = without.generate(PROMPT, GREEDY);
        assertEquals(16, alone.generatedTokens());
        assertEquals(with.generate(PROMPT, GREEDY), alone);
        // prompts of different lengths: the shorter rows are left-padded in the batch
        List<String> prompts = List.of("the quick brown fox jumps", "hi", PROMPT, "once upon a time there");
        List<Generation> expected = with.generateBatch(prompts, GREEDY);
        List<Generation> batch = without.generateBatch(prompts, GREEDY);
        for (int i = 0; i < prompts.size(); i++) {
            assertEquals(expected.get(i), batch.get(i), "row " + i);
            assertEquals(without.generate(prompts.get(i), GREEDY), batch.get(i), "row " + i + " alone");
        }
        if (name.startsWith("gpt2")) {
            // the merged decoder without position_ids too
            assertTrue(graph(free, "onnx/decoder_model_merged.onnx").useCacheBranch());
            assertFalse(graph(free, "onnx/decoder_model_merged.onnx").positionIds());
            TextToText merged = lm(genloom, free, Map.of("file", "decoder_model_merged"));
            assertEquals(with.generate(PROMPT, GREEDY), merged.generate(PROMPT, GREEDY));
            assertEquals(expected, merged.generateBatch(prompts, GREEDY));
        }
    }
}
