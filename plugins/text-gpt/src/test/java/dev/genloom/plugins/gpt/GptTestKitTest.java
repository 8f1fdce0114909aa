package dev.genloom.plugins.gpt;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.EchoExport;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import dev.genloom.zoo.testkit.lm.LlamaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin inside the real host, against the test kit's export-faithful tiny GPT-2 and Llama. */
class GptTestKitTest {

    @TempDir
    static Path models;
    static Genloom genloom;

    static final String PROMPT = "the quick brown fox";
    static final TextOptions GREEDY = TextOptions.defaults().withDoSample(false).withMaxNewTokens(24);

    @BeforeAll
    static void setUp() {
        Gpt2Model.write(models.resolve("gpt2-tiny"), Gpt2Model.TINY);
        LlamaModel.write(models.resolve("llama-tiny"), LlamaModel.TINY,
                java.util.EnumSet.allOf(dev.genloom.zoo.testkit.lm.DecoderExport.Variant.class));
        genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        genloom.close();
    }

    static TextToText lm(String name, Map<String, Object> options) {
        return (TextToText) genloom.model(models.resolve(name).toString(), "gpt", options);
    }

    static TextToText lm(String name) {
        return lm(name, Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void cachedStepsGiveTheTokensOfAFullRecompute(String name) {
        TextOptions o = GREEDY.withMinNewTokens(24);
        Generation cached = lm(name).generate(PROMPT, o);
        Generation full = lm(name, Map.of("cache", false)).generate(PROMPT, o);
        assertEquals(24, cached.generatedTokens());
        assertArrayEquals(full.tokenIds(), cached.tokenIds());
        assertEquals(full.text(), cached.text());
        // and sampling with a seed too
        TextOptions s = o.withDoSample(true).withSeed(7L).withTemperature(1.0).withTopK(0);
        assertArrayEquals(lm(name, Map.of("cache", false)).generate(PROMPT, s).tokenIds(),
                lm(name).generate(PROMPT, s).tokenIds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void mergedAndFp16VariantsLoadAndGenerate(String name) {
        Generation plain = lm(name, Map.of("file", "model")).generate(PROMPT, GREEDY.withMinNewTokens(24));
        Generation merged = lm(name, Map.of("file", "decoder_model_merged")).generate(PROMPT,
                GREEDY.withMinNewTokens(24));
        assertArrayEquals(plain.tokenIds(), merged.tokenIds(), "the merged If gives the plain graph's tokens");
        DecoderGraph fp16Graph = graph(name, "onnx/model_fp16.onnx");
        assertEquals(ai.onnxruntime.OnnxJavaType.FLOAT16, fp16Graph.pastType());
        assertEquals(ai.onnxruntime.OnnxJavaType.FLOAT16, fp16Graph.logitsType());
        Generation g = lm(name, Map.of("file", "model_fp16")).generate(PROMPT, GREEDY.withMinNewTokens(24));
        assertEquals(24, g.generatedTokens());
        assertEquals(plain.tokenIds()[0], g.tokenIds()[0], "fp16 weights agree on the first token");
        if (Files.exists(models.resolve(name).resolve("onnx/decoder_model_merged_fp16.onnx"))) {
            Generation mf = lm(name, Map.of("file", "decoder_model_merged_fp16")).generate(PROMPT,
                    GREEDY.withMinNewTokens(24));
            assertArrayEquals(g.tokenIds(), mf.tokenIds());
        }
        assertTrue(graph(name, "onnx/decoder_model_merged.onnx").useCacheBranch());
        assertFalse(graph(name, "onnx/model.onnx").useCacheBranch());
    }

    /** The signature of one file, read as the plugin reads it. */
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

    @Test
    void defaultFileIsModelOnnx() {
        // model.onnx by default: the same tokens as asking for it, other than asking for the fp16 file
        Generation byDefault = lm("gpt2-tiny").generate(PROMPT, GREEDY);
        assertEquals(byDefault, lm("gpt2-tiny", Map.of("file", "onnx/model.onnx")).generate(PROMPT, GREEDY));
        DecoderGraph m = graph("gpt2-tiny", "onnx/model.onnx");
        assertEquals(Gpt2Model.TINY.layers(), m.layers());
        assertEquals(Gpt2Model.TINY.heads(), m.kvHeads());
        assertEquals(Gpt2Model.TINY.headDim(), m.headDim());
        assertTrue(m.positionIds());
        DecoderGraph llama = graph("llama-tiny", "onnx/model.onnx");
        assertEquals(LlamaModel.TINY.kvHeads(), llama.kvHeads());
        assertEquals(LlamaModel.TINY.headDim(), llama.headDim());
        GenloomException e = assertThrows(GenloomException.class, () -> lm("gpt2-tiny", Map.of("file", "nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void topKOneAndTemperatureZeroAreGreedy() {
        TextToText m = lm("gpt2-tiny");
        Generation greedy = m.generate(PROMPT, GREEDY.withMinNewTokens(24));
        TextOptions sampled = GREEDY.withMinNewTokens(24).withDoSample(true).withSeed(3L);
        assertArrayEquals(greedy.tokenIds(), m.generate(PROMPT, sampled.withTopK(1).withTemperature(1.5)).tokenIds());
        assertArrayEquals(greedy.tokenIds(), m.generate(PROMPT, sampled.withTemperature(0.0)).tokenIds());
        assertArrayEquals(greedy.tokenIds(), m.generate(PROMPT, sampled.withTopP(1e-6)).tokenIds());
        assertArrayEquals(greedy.tokenIds(), m.generate(PROMPT, sampled.withMinP(1.0)).tokenIds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void theSameSeedGivesTheSameTextAndAnotherSeedAnother(String name) {
        TextToText m = lm(name);
        TextOptions o = TextOptions.defaults().withDoSample(true).withTemperature(1.0).withTopK(0)
                .withMaxNewTokens(16).withMinNewTokens(16);
        Generation a = m.generate(PROMPT, o.withSeed(1L));
        assertEquals(a, m.generate(PROMPT, o.withSeed(1L)));
        assertFalse(java.util.Arrays.equals(a.tokenIds(), m.generate(PROMPT, o.withSeed(2L)).tokenIds()));
        // greedy differs from a flat sample
        assertFalse(java.util.Arrays.equals(a.tokenIds(), m.generate(PROMPT, GREEDY.withMaxNewTokens(16)
                .withMinNewTokens(16)).tokenIds()));
    }

    @Test
    void llamaSamplesByDefaultAsItsGenerationConfigSays() {
        TextToText m = lm("llama-tiny");
        TextOptions o = TextOptions.defaults().withMaxNewTokens(16).withMinNewTokens(16);
        Set<String> texts = new HashSet<>();
        for (long seed = 0; seed < 4; seed++) {
            texts.add(m.generate(PROMPT, o.withSeed(seed)).text());
        }
        assertTrue(texts.size() > 1, "generation_config.json do_sample true: seeds give different texts");
    }

    @Test
    void repetitionPenaltyReducesRepeats() {
        TextToText m = lm("gpt2-tiny");
        TextOptions o = GREEDY.withMaxNewTokens(40).withMinNewTokens(40);
        int plain = repeats(m.generate(PROMPT, o).tokenIds());
        int penalised = repeats(m.generate(PROMPT, o.withRepetitionPenalty(10.0)).tokenIds());
        assertTrue(penalised < plain, "repeats " + plain + " -> " + penalised);
    }

    private static int repeats(long[] ids) {
        Set<Long> seen = new HashSet<>();
        int n = 0;
        for (long id : ids) {
            if (!seen.add(id)) {
                n++;
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void noRepeatNgramHoldsOnEveryGeneratedSequence(int n) {
        for (String name : List.of("gpt2-tiny", "llama-tiny")) {
            TextToText m = lm(name);
            List<String> prompts = List.of(PROMPT, "a b a b a b", "hello");
            for (long seed = 0; seed < 3; seed++) {
                TextOptions o = TextOptions.defaults().withMaxNewTokens(30).withMinNewTokens(30)
                        .withNoRepeatNgramSize(n).withSeed(seed).withDoSample(seed > 0);
                for (Generation g : m.generateBatch(prompts, o)) {
                    List<Long> generated = new ArrayList<>();
                    for (long id : g.tokenIds()) {
                        generated.add(id);
                    }
                    Set<List<Long>> grams = new HashSet<>();
                    for (int i = 0; i + n <= generated.size(); i++) {
                        assertTrue(grams.add(generated.subList(i, i + n)), name + " repeats the " + n + "-gram "
                                + generated.subList(i, i + n) + " in " + generated);
                    }
                }
            }
        }
    }

    @Test
    void minNewTokensSuppressesEos() {
        TextToText m = lm("gpt2-tiny");
        long eos = Gpt2Model.TINY.eosTokenId();
        // find seeds whose sample ends early at eos, then hold eos back
        int checked = 0;
        for (long seed = 0; seed < 200 && checked < 3; seed++) {
            TextOptions o = TextOptions.defaults().withDoSample(true).withTemperature(3.0).withTopK(0)
                    .withMaxNewTokens(12).withSeed(seed);
            Generation g = m.generate("x", o);
            if (g.finishReason() == Generation.FinishReason.EOS && g.generatedTokens() < 12) {
                checked++;
                Generation held = m.generate("x", o.withMinNewTokens(12));
                assertEquals(12, held.generatedTokens());
                assertTrue(java.util.Arrays.stream(held.tokenIds()).noneMatch(t -> t == eos));
                assertEquals(Generation.FinishReason.LENGTH, held.finishReason());
            }
        }
        assertTrue(checked > 0, "no sample ended at eos");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny"})
    void aBatchEqualsEachPromptAlone(String name) {
        TextToText m = lm(name);
        List<String> prompts = List.of("the quick brown fox jumps", "hi", PROMPT, "once upon a time there");
        for (TextOptions o : List.of(GREEDY, TextOptions.defaults().withDoSample(true).withSeed(11L)
                .withMaxNewTokens(20).withRepetitionPenalty(1.3), GREEDY.withNoRepeatNgramSize(2))) {
            List<Generation> batch = m.generateBatch(prompts, o);
            for (int i = 0; i < prompts.size(); i++) {
                Generation alone = m.generate(prompts.get(i), o);
                assertEquals(alone, batch.get(i), "row " + i + " with " + o);
            }
        }
    }

    @Test
    void streamedPiecesMakeTheText() {
        TextToText m = lm("gpt2-tiny");
        StringBuilder streamed = new StringBuilder();
        Generation g = m.generate(PROMPT, GREEDY.withMaxNewTokens(40), streamed::append);
        assertEquals(g.text(), streamed.toString());
        assertEquals(g.text(), m.generate(PROMPT, GREEDY.withMaxNewTokens(40)).text());
    }

    @Test
    void stopStringsCutTheTextBeforeThem() {
        TextToText m = lm("gpt2-tiny");
        TextOptions o = GREEDY.withMaxNewTokens(40).withMinNewTokens(40);
        Generation full = m.generate(PROMPT, o);
        String text = full.text();
        assertTrue(text.length() > 10, text);
        String stop = text.substring(6, 9);
        int at = text.indexOf(stop);
        StringBuilder streamed = new StringBuilder();
        Generation cut = m.generate(PROMPT, o.withStop(List.of("never appears \u0001", stop)), streamed::append);
        assertEquals(Generation.FinishReason.STOP_STRING, cut.finishReason());
        assertEquals(text.substring(0, at), cut.text());
        assertEquals(cut.text(), streamed.toString(), "nothing of the stop string is streamed");
        assertTrue(cut.generatedTokens() < full.generatedTokens());
        // a stop string that never appears changes nothing
        assertEquals(full, m.generate(PROMPT, o.withStop(List.of("\u0001\u0002"))));
    }

    @Test
    void aFolderWithoutTheDecoderInputsIsRefusedNamingThem() throws Exception {
        Path broken = models.resolve("broken-gpt2");
        Gpt2Model.write(broken, Gpt2Model.TINY, Set.of(dev.genloom.zoo.testkit.lm.DecoderExport.Variant.MODEL));
        Path echo = EchoExport.write(models.resolve("echo-for-broken"));
        Files.copy(echo.resolve("onnx/model.onnx"), broken.resolve("onnx/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        GenloomException e = assertThrows(GenloomException.class, () -> lm("broken-gpt2"));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("missing input input_ids"), e.getMessage());
        assertTrue(e.getMessage().contains("past_key_values.0.key"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected input x"), e.getMessage());
        assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    }

    @Test
    void badPromptsAreRefusedBeforeTheModelRuns() {
        TextToText m = lm("gpt2-tiny");
        GenloomException empty = assertThrows(GenloomException.class, () -> m.generate("", GREEDY));
        assertEquals(ErrorKind.INVALID_INPUT, empty.kind());
        String tooLong = String.join(" ", java.util.Collections.nCopies(200, "fox"));
        GenloomException longer = assertThrows(GenloomException.class, () -> m.generate(tooLong, GREEDY));
        assertEquals(ErrorKind.INVALID_INPUT, longer.kind());
        assertTrue(longer.getMessage().contains("at most " + Gpt2Model.TINY.positions()), longer.getMessage());
        GenloomException inBatch = assertThrows(GenloomException.class,
                () -> m.generateBatch(List.of(PROMPT, ""), GREEDY));
        assertTrue(inBatch.getMessage().contains("prompt 1"), inBatch.getMessage());
        Generation truncated = m.generate(tooLong, GREEDY.withTruncatePrompt(true));
        assertTrue(truncated.promptTokens() < Gpt2Model.TINY.positions());
        assertTrue(truncated.promptTokens() + truncated.generatedTokens() <= Gpt2Model.TINY.positions());
    }

    @Test
    void maxNewTokensIsBoundedByTheContext() {
        TextToText m = lm("gpt2-tiny");
        Generation g = m.generate(PROMPT, GREEDY.withMaxNewTokens(500).withMinNewTokens(500));
        assertEquals(Gpt2Model.TINY.positions(), g.promptTokens() + g.generatedTokens());
        assertEquals(Generation.FinishReason.LENGTH, g.finishReason());
    }

    @Test
    void recognisesDecoderOnlyFoldersOnly() {
        assertEquals("gpt", genloom.resolve(models.resolve("gpt2-tiny").toString(), null).family().name());
        assertEquals("gpt", genloom.resolve(models.resolve("llama-tiny").toString(), null).family().name());
        assertNotEquals("gpt", Stream.of(EchoExport.MODEL_TYPE).findFirst().orElseThrow());
    }
}
