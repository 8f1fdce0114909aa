package dev.genloom.plugins.embeddings;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextEmbedder;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.LocalModelFolder;
import dev.genloom.zoo.testkit.bert.BertModel;
import dev.genloom.zoo.testkit.clip.ClipModel;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin inside the real host, against the test kit's export-faithful tiny sentence-transformers BERT. */
class EmbeddingsTestKitTest {

    @TempDir
    static Path models;
    static Genloom genloom;

    @BeforeAll
    static void setUp() {
        for (BertModel.Pooling p : BertModel.Pooling.values()) {
            BertModel.write(models.resolve("bert-" + BertModel.poolingName(p)), BertModel.TINY.withPooling(p));
        }
        BertModel.write(models.resolve("bert-no-types"), BertModel.TINY.withTokenTypeIds(false));
        BertModel.write(models.resolve("bert-st-outputs"), BertModel.TINY.withSentenceTransformersOutputs(true));
        genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        genloom.close();
    }

    static TextEmbedder model(String name, Map<String, Object> options) {
        return (TextEmbedder) genloom.model(models.resolve(name).toString(), "embeddings", options);
    }

    static TextEmbedder model(String name) {
        return model(name, Map.of());
    }

    /** A text of n kit words, each one token. */
    static String words(int n) {
        List<String> w = BertModel.WORDS;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(w.get((i * 7 + 3) % w.size()));
        }
        return b.toString();
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": dimension");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " at " + i);
        }
    }

    @Test
    void theFolderIsRecognisedAsTheEmbeddingsFamily() {
        TextEmbedder m = genloom.model(models.resolve("bert-mean").toString(), TextEmbedder.class);
        assertEquals("embeddings", m.info().family());
        assertEquals(BertModel.TINY.hidden(), m.embedText("the cat sat").dimension());
    }

    @ParameterizedTest
    @EnumSource(BertModel.Pooling.class)
    void poolingFollowsThePoolingConfigAndAgreesWithABareRun(BertModel.Pooling pooling) throws Exception {
        String text = "the cat sat on the mat";
        Embedding e = model("bert-" + BertModel.poolingName(pooling), Map.of("normalize", false)).embedText(text);
        // independently: ids from the kit's vocabulary, the graph run bare, pooled here
        List<String> vocab = BertModel.vocabulary();
        List<Long> ids = new ArrayList<>(List.of((long) vocab.indexOf(BertModel.CLS)));
        for (String w : text.split(" ")) {
            ids.add((long) vocab.indexOf(w));
        }
        ids.add((long) vocab.indexOf(BertModel.SEP));
        float[] hidden = bareLastHiddenState(models.resolve("bert-" + BertModel.poolingName(pooling)), ids);
        int width = BertModel.TINY.hidden();
        int seq = ids.size();
        float[] expected = new float[width];
        for (int d = 0; d < width; d++) {
            double acc = pooling == BertModel.Pooling.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (int t = 0; t < seq; t++) {
                float x = hidden[t * width + d];
                acc = switch (pooling) {
                    case MEAN -> acc + x / seq;
                    case MAX -> Math.max(acc, x);
                    case CLS -> t == 0 ? x : acc;
                };
            }
            expected[d] = (float) acc;
        }
        assertClose(expected, e.vector(), 1e-5, pooling.name());
        assertFalse(e.truncated());
    }

    static float[] bareLastHiddenState(Path folder, List<Long> ids) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] a = ids.stream().mapToLong(Long::longValue).toArray();
        long[] shape = {1, a.length};
        long[] ones = new long[a.length];
        Arrays.fill(ones, 1);
        try (OrtSession s = env.createSession(folder.resolve("onnx/model.onnx").toString());
             OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(a), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape);
             OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[a.length]), shape);
             OrtSession.Result r = s.run(Map.of("input_ids", idT, "attention_mask", maskT, "token_type_ids", typeT))) {
            FloatBuffer fb = ((OnnxTensor) r.get("last_hidden_state").orElseThrow()).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    @Test
    void aTextAloneGivesTheVectorItGivesInAPaddedBatch() {
        TextEmbedder m = model("bert-mean", Map.of("batch_size", 3));
        List<String> texts = List.of("the cat sat", words(40), "a dog ran in the park", "sun", words(20),
                "the river and the fish", "blue sky");
        List<Embedding> batch = m.embedTexts(texts, EmbeddingOptions.defaults());
        assertEquals(texts.size(), batch.size());
        for (int i = 0; i < texts.size(); i++) {
            assertClose(m.embedText(texts.get(i)).vector(), batch.get(i).vector(), 1e-5, "text " + i);
            assertEquals(1.0, batch.get(i).norm(), 1e-5);
        }
        List<String> shuffled = new ArrayList<>(texts);
        Collections.reverse(shuffled);
        assertClose(batch.get(0).vector(), m.embedTexts(shuffled, EmbeddingOptions.defaults()).get(texts.size() - 1).vector(),
                1e-5, "order");
        assertTrue(m.embedTexts(List.of(), EmbeddingOptions.defaults()).isEmpty());
    }

    @Test
    void theTokenizersShippedPaddingAndTruncationDoNotApply() {
        TextEmbedder m = model("bert-mean");
        // the kit's tokenizer.json ships padding and truncation to 16 tokens, as real exports ship 128
        Embedding long40 = m.embedText(words(40));
        Embedding first14 = m.embedText(words(14));
        assertFalse(long40.truncated());
        assertTrue(long40.cosine(first14) < 0.9999, "a 42-token text is not cut to 16 tokens");
        // a short text is not padded to 16 either: [PAD] rows would change the mean
        Embedding shortText = model("bert-mean", Map.of("normalize", false)).embedText("cat");
        assertFalse(shortText.truncated());
    }

    @Test
    void aTextLongerThanTheModelIsTruncatedAndSaysSo() {
        TextEmbedder m = model("bert-mean");
        int room = BertModel.TINY.positions() - 2;           // [CLS] and [SEP]
        Embedding longText = m.embedText(words(100));
        Embedding fits = m.embedText(words(room));
        assertTrue(longText.truncated());
        assertFalse(fits.truncated());
        assertClose(fits.vector(), longText.vector(), 1e-5, "the first " + room + " words");
        assertFalse(m.embedText(words(room + 1)).cosine(fits) > 0.99999 && !m.embedText(words(room + 1)).truncated());
        // the load option max_length lowers the limit
        Embedding at10 = model("bert-mean", Map.of("max_length", 10)).embedText(words(30));
        assertTrue(at10.truncated());
        assertClose(m.embedText(words(8)).vector(), at10.vector(), 1e-5, "max_length 10");
    }

    @Test
    void normalisationIsTheDefaultAndCanBeTurnedOff() {
        String text = "the green tree by the river";
        assertEquals(1.0, model("bert-mean").embedText(text).norm(), 1e-5);
        Embedding raw = model("bert-mean", Map.of("normalize", "false")).embedText(text);
        assertTrue(Math.abs(raw.norm() - 1) > 1e-3, "norm " + raw.norm());
        Embedding rawByCall = model("bert-mean").embedText(text, EmbeddingOptions.builder().normalize(false).build());
        assertClose(raw.vector(), rawByCall.vector(), 1e-6, "normalize=false in the call");
        assertClose(raw.normalized().vector(), model("bert-mean").embedText(text).vector(), 1e-6, "normalised");
    }

    @Test
    void queryAndPassagePrefixesComeFromTheOptions() {
        TextEmbedder m = model("bert-mean", Map.of("query_prefix", "query: ", "passage_prefix", "passage: "));
        TextEmbedder plain = model("bert-mean");
        EmbeddingOptions query = EmbeddingOptions.defaults().withKind(EmbeddingOptions.Kind.QUERY);
        EmbeddingOptions passage = EmbeddingOptions.defaults().withKind(EmbeddingOptions.Kind.PASSAGE);
        assertClose(plain.embedText("query: the cat").vector(), m.embedText("the cat", query).vector(), 1e-6, "query");
        assertClose(plain.embedText("passage: the cat").vector(), m.embedText("the cat", passage).vector(), 1e-6, "passage");
        assertClose(plain.embedText("the cat").vector(), m.embedText("the cat").vector(), 1e-6, "text: no prefix");
        // a model without prefixes ignores the kind; an explicit prefix wins
        assertClose(plain.embedText("the cat").vector(), plain.embedText("the cat", query).vector(), 1e-6, "no prefixes");
        assertClose(plain.embedText("represent this sentence the cat").vector(),
                m.embedText("the cat", query.toBuilder().prefix("represent this sentence ").build()).vector(), 1e-6,
                "explicit prefix");
    }

    @Test
    void anExportWithoutTokenTypeIdsWorks() {
        assertEquals(BertModel.TINY.hidden(), model("bert-no-types").embedText("the dog").dimension());
    }

    @Test
    void emptyTextsAreRefusedBeforeAnythingRuns() {
        TextEmbedder m = model("bert-mean");
        GenloomException single = assertThrows(GenloomException.class, () -> m.embedText("  "));
        assertEquals(ErrorKind.INVALID_INPUT, single.kind());
        assertTrue(single.getMessage().contains("empty"), single.getMessage());
        GenloomException inBatch = assertThrows(GenloomException.class,
                () -> m.embedTexts(List.of("the cat", ""), EmbeddingOptions.defaults()));
        assertTrue(inBatch.getMessage().startsWith("text 2 is empty"), inBatch.getMessage());
    }

    @Test
    void badLoadOptionsAreNamed() {
        GenloomException pooling = assertThrows(GenloomException.class, () -> model("bert-mean", Map.of("pooling", "median")));
        assertEquals(ErrorKind.INVALID_INPUT, pooling.kind());
        assertTrue(pooling.getMessage().contains("median"), pooling.getMessage());
        GenloomException batch = assertThrows(GenloomException.class, () -> model("bert-mean", Map.of("batch_size", 0)));
        assertTrue(batch.getMessage().contains("batch_size"), batch.getMessage());
        GenloomException output = assertThrows(GenloomException.class,
                () -> model("bert-mean", Map.of("output", "sentence_embedding")));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, output.kind());
        assertTrue(output.getMessage().contains("sentence_embedding"), output.getMessage());
    }

    @Test
    void aGraphThatIsNotAnEncoderIsRefusedNamingWhatItLacks() throws Exception {
        // a BERT folder whose onnx/model.onnx is a GPT-2 decoder
        Path folder = models.resolve("bert-with-gpt2-graph");
        BertModel.write(folder, BertModel.TINY);
        Path gpt2 = Gpt2Model.write(models.resolve("gpt2-for-bert"),
                Gpt2Model.TINY);
        Files.copy(gpt2.resolve("onnx/model.onnx"), folder.resolve("onnx/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        GenloomException e = assertThrows(GenloomException.class, () -> model("bert-with-gpt2-graph"));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("does not fit the embeddings family"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected input past_key_values.0.key"), e.getMessage());
        assertTrue(e.getMessage().contains("last_hidden_state"), e.getMessage());
    }

    @Test
    void aFolderIsRecognisedByItsPoolingConfigOrItsModelType() throws Exception {
        EmbeddingsFamily family = new EmbeddingsFamily();
        Path bare = models.resolve("pooling-only");
        BertModel.write(bare, BertModel.TINY);
        Files.writeString(bare.resolve("config.json"), "{\"model_type\": \"something_new\"}");
        assertEquals(Optional.of("1_Pooling/config.json, onnx/model.onnx"),
                family.recognize(new LocalModelFolder(bare)));
        assertEquals(Optional.of("config.json model_type bert, onnx/model.onnx"),
                family.recognize(new LocalModelFolder(models.resolve("bert-mean"))));
        Path clip = ClipModel.write(models.resolve("clip-not-ours"),
                ClipModel.TINY);
        assertTrue(family.recognize(new LocalModelFolder(clip)).isEmpty());
        assertEquals(BertModel.TINY.hidden(), model("pooling-only").embedText("the sun").dimension());
    }

    @Test
    void aSentenceTransformersExportsPooledOutputGivesTheVectorPooledHere() {
        TextEmbedder pooledInGraph = model("bert-st-outputs");
        TextEmbedder pooledHere = model("bert-st-outputs", Map.of("output", "token_embeddings"));
        List<String> texts = List.of("the cat sat on the mat", "blue sky", words(30));
        List<Embedding> here = pooledHere.embedTexts(texts, EmbeddingOptions.defaults());
        List<Embedding> graph = pooledInGraph.embedTexts(texts, EmbeddingOptions.defaults());
        for (int i = 0; i < texts.size(); i++) {
            assertClose(here.get(i).vector(), graph.get(i).vector(), 1e-5, "text " + i);
        }
        assertClose(model("bert-mean").embedText("blue sky").vector(), here.get(1).vector(), 1e-5, "same weights");
        Embedding cls = model("bert-st-outputs", Map.of("output", "token_embeddings", "pooling", "cls")).embedText("blue sky");
        assertTrue(cls.cosine(graph.get(1)) < 0.9999, "token_embeddings are pooled here, by the pooling option");
    }
}
