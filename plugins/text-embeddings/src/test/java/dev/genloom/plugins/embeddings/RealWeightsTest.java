package dev.genloom.plugins.embeddings;

import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.TextEmbedder;
import dev.genloom.runtime.Genloom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real int8 weights: all-MiniLM-L6-v2 (mean pooling) from {@code GENLOOM_TEST_MODELS}, BGE small
 * en v1.5 (CLS pooling, query instruction) and E5 small v2 (mean pooling, {@code query: } /
 * {@code passage: }) from LangChain4j's jars.
 */
class RealWeightsTest {

    @TempDir
    static Path dir;
    static Genloom genloom;
    static Path bge;
    static Path e5;

    /** An anchor, a sentence that means much the same, and one about something else. */
    record Triple(String anchor, String related, String unrelated) {
    }

    static final List<Triple> TRIPLES = List.of(
            new Triple("A man is playing a guitar.", "Someone plays an acoustic guitar on stage.",
                    "The stock market fell sharply on Monday."),
            new Triple("The cat sleeps on the sofa.", "A kitten is napping on the couch.",
                    "Quantum computers use qubits to compute."),
            new Triple("How do I bake bread at home?", "A simple recipe for homemade bread with yeast and flour.",
                    "The football team won the championship."),
            new Triple("It is raining heavily in London today.", "Heavy rain is falling over the city of London.",
                    "She bought a new laptop for programming."),
            new Triple("The doctor prescribed antibiotics for the infection.",
                    "The physician gave her medicine to treat the bacterial infection.",
                    "Mountains are covered with snow in winter."));

    static final String QUERY = "how long do elephants live";
    static final List<String> PASSAGES = List.of(
            "The Eiffel Tower was completed in 1889 and is located in Paris.",
            "Elephants can live for 60 to 70 years in the wild, longer than most other mammals.",
            "Python is a programming language that emphasises readability.",
            "The Great Barrier Reef is the largest coral reef system in the world.");

    @BeforeAll
    static void setUp() throws Exception {
        genloom = Genloom.builder().environment(Map.of()).device("cpu").build();
        bge = RealWeights.bgeSmall(dir);
        e5 = RealWeights.e5Small(dir);
    }

    @AfterAll
    static void tearDown() {
        if (genloom != null) {
            genloom.close();
        }
    }

    static TextEmbedder load(Path folder, Map<String, Object> options) {
        return (TextEmbedder) genloom.model(folder.toString(), null, options);
    }

    static void relatedAboveUnrelated(TextEmbedder m, EmbeddingOptions options) {
        for (Triple t : TRIPLES) {
            List<Embedding> e = m.embedTexts(List.of(t.anchor(), t.related(), t.unrelated()), options);
            double related = e.get(0).cosine(e.get(1));
            double unrelated = e.get(0).cosine(e.get(2));
            assertTrue(related > unrelated + 0.1, m.info().name() + ": '" + t.anchor() + "' is closer to '"
                    + t.related() + "' (" + related + ") than to '" + t.unrelated() + "' (" + unrelated + ")");
        }
    }

    /**
     * A text alone and in a padded batch give the same vector: to 1e-5 as the model batches by
     * default (one text per call for an int8 graph that quantizes activations at run time); with
     * such a graph forced to batch, the batch's shared activation scales move the vector slightly.
     */
    static void aloneEqualsBatched(TextEmbedder m, Path folder) {
        List<String> texts = texts();
        List<Embedding> batch = m.embedTexts(texts, EmbeddingOptions.defaults());
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = m.embedText(texts.get(i)).vector();
            float[] batched = batch.get(i).vector();
            for (int d = 0; d < alone.length; d++) {
                assertEquals(alone[d], batched[d], 1e-5, "text " + i + " dim " + d);
            }
        }
        TextEmbedder forced = load(folder, Map.of("batch_size", 16));
        List<Embedding> forcedBatch = forced.embedTexts(texts, EmbeddingOptions.defaults());
        for (int i = 0; i < texts.size(); i++) {
            double cosine = forcedBatch.get(i).cosine(forced.embedText(texts.get(i)));
            assertTrue(cosine > 0.95, "text " + i + " in a batch of 16: cosine " + cosine);
        }
    }

    static List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (Triple t : TRIPLES) {
            texts.add(t.anchor());
            texts.add(t.related() + " " + t.related());
        }
        texts.add("Hi");
        return texts;
    }

    static int best(TextEmbedder m, EmbeddingOptions query, EmbeddingOptions passage) {
        Embedding q = m.embedText(QUERY, query);
        List<Embedding> p = m.embedTexts(PASSAGES, passage);
        int best = 0;
        for (int i = 1; i < p.size(); i++) {
            if (q.dot(p.get(i)) > q.dot(p.get(best))) {
                best = i;
            }
        }
        return best;
    }

    static final EmbeddingOptions AS_QUERY = EmbeddingOptions.defaults().withKind(EmbeddingOptions.Kind.QUERY);
    static final EmbeddingOptions AS_PASSAGE = EmbeddingOptions.defaults().withKind(EmbeddingOptions.Kind.PASSAGE);

    @Test
    void miniLmMeanPooling() {
        Path folder = RealWeights.sharedModel("all-minilm-l6-v2-q");
        TextEmbedder m = load(folder, Map.of());
        assertEquals(384, m.embedText("hello").dimension());
        relatedAboveUnrelated(m, EmbeddingOptions.defaults());
        aloneEqualsBatched(m, folder);
        assertEquals(1, best(m, EmbeddingOptions.defaults(), EmbeddingOptions.defaults()));
    }

    @Test
    void miniLmIsNotCutAtTheTokenizersShipped128Tokens() {
        TextEmbedder m = load(RealWeights.sharedModel("all-minilm-l6-v2-q"), Map.of());
        String sentence = "The quick brown fox jumps over the lazy dog near the river bank. ";   // 14 tokens
        String about200 = sentence.repeat(14);
        String tail = " Astronomers discovered a distant galaxy full of young, bright blue stars.";
        Embedding withTail = m.embedText(about200 + tail);
        assertFalse(withTail.truncated());
        assertTrue(withTail.cosine(m.embedText(about200)) < 0.9999, "tokens past 128 count");
        Embedding tooLong = m.embedText(sentence.repeat(50));
        assertTrue(tooLong.truncated(), "700 tokens are more than MiniLM's 512 positions");
    }

    @Test
    void bgeClsPoolingAndQueryInstruction() {
        TextEmbedder m = load(bge, Map.of());
        assertEquals(384, m.embedText("hello").dimension());
        relatedAboveUnrelated(m, EmbeddingOptions.defaults());
        aloneEqualsBatched(m, bge);
        assertEquals(1, best(m, AS_QUERY, AS_PASSAGE));
        // CLS pooling is what 1_Pooling says: mean pooling gives another vector
        TextEmbedder mean = load(bge, Map.of("pooling", "mean"));
        double same = m.embedText(PASSAGES.get(1)).cosine(mean.embedText(PASSAGES.get(1)));
        assertTrue(same < 0.999, "cls and mean pooling differ: " + same);
        // the instruction is put before queries only
        Embedding q = m.embedText(QUERY, AS_QUERY);
        Embedding byHand = m.embedText(RealWeights.BGE_QUERY + QUERY);
        assertEquals(1.0, q.cosine(byHand), 1e-6);
        assertEquals(1.0, m.embedText(QUERY, AS_PASSAGE).cosine(m.embedText(QUERY)), 1e-6);
    }

    @Test
    void e5MeanPoolingWithQueryAndPassagePrefixes() {
        TextEmbedder m = load(e5, Map.of());
        assertEquals(384, m.embedText("hello").dimension());
        relatedAboveUnrelated(m, AS_QUERY);
        aloneEqualsBatched(m, e5);
        assertEquals(1, best(m, AS_QUERY, AS_PASSAGE));
        assertEquals(1.0, m.embedText(QUERY, AS_QUERY).cosine(m.embedText("query: " + QUERY)), 1e-6);
        assertEquals(1.0, m.embedText(QUERY, AS_PASSAGE).cosine(m.embedText("passage: " + QUERY)), 1e-6);
        TextEmbedder cls = load(e5, Map.of("pooling", "cls"));
        assertTrue(m.embedText(QUERY, AS_QUERY).cosine(cls.embedText(QUERY, AS_QUERY)) < 0.999);
    }
}
