package dev.genloom.plugins.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.TextEmbedder;
import dev.genloom.cli.GenloomCli;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.bert.BertModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code genloom embed}, {@code index} and {@code search} in-process, on the kit's BERT and the real MiniLM. */
class EmbeddingsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path models;

    record Result(int status, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void setUp() {
        models = tmp.resolve("models");
        BertModel.write(models.resolve("bert-tiny"), BertModel.TINY);
        BertModel.write(models.resolve("bert-tiny-cls"), BertModel.TINY.withPooling(BertModel.Pooling.CLS));
    }

    static Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--models", models.toString(), "--device", "cpu", "-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void embedPrintsTheVectorsTheApiGives() throws Exception {
        Result r = cli("embed", "--model", "bert-tiny", "--json", "the cat sat", "a dog ran in the park");
        assertEquals(0, r.status(), r.err() + r.out());
        JsonNode j = r.json();
        assertEquals(BertModel.TINY.hidden(), j.get("dimension").asInt());
        assertEquals(2, j.get("embeddings").size());
        try (Genloom g = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").build()) {
            TextEmbedder m = g.model("bert-tiny", TextEmbedder.class);
            float[] expected = m.embedText("a dog ran in the park").vector();
            JsonNode v = j.get("embeddings").get(1).get("vector");
            assertEquals(expected.length, v.size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], v.get(i).floatValue(), 1e-6);
            }
            assertEquals("a dog ran in the park", j.get("embeddings").get(1).get("text").asText());
            assertFalse(j.get("embeddings").get(1).get("truncated").asBoolean());
            // --kind query with a --prefix reaches the model
            Result q = cli("embed", "--model", "bert-tiny", "--json", "--kind", "query", "--prefix", "query: ", "the cat");
            assertEquals(0, q.status(), q.err());
            float[] prefixed = m.embedText("query: the cat", EmbeddingOptions.defaults()).vector();
            assertEquals(prefixed[0], q.json().get("embeddings").get(0).get("vector").get(0).floatValue(), 1e-6);
        }
        Result plain = cli("embed", "--model", "bert-tiny", "one", "two");
        assertEquals(0, plain.status(), plain.err());
        String[] lines = plain.out().strip().split("\n");
        assertEquals(2, lines.length);
        assertEquals(BertModel.TINY.hidden(), lines[0].split(" ").length);
    }

    @Test
    void embedRefusesEmptyInput() throws Exception {
        Result none = cli("embed", "--model", "bert-tiny");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("nothing to embed"), none.err());
        Result empty = cli("embed", "--model", "bert-tiny", "--json", "fine", " ");
        assertEquals(2, empty.status());
        JsonNode e = empty.json().get("error");
        assertEquals("INVALID_INPUT", e.get("kind").asText());
        assertTrue(e.get("message").asText().contains("text 2 is empty"), e.toString());
        Result both = cli("embed", "--model", "bert-tiny", "text", "--image", tmp.resolve("x.png").toString());
        assertEquals(2, both.status());
        assertTrue(both.err().contains("not both"), both.err());
        Result longText = cli("embed", "--model", "bert-tiny", "the cat ".repeat(60));
        assertEquals(0, longText.status());
        assertTrue(longText.err().contains("longer than model bert-tiny takes"), longText.err());
    }

    @Test
    void indexAndSearchThroughTheCli() throws Exception {
        Path docs = tmp.resolve("docs");
        Path a = write(docs.resolve("a.txt"), "the cat sat on the mat\n\nthe river and the fish");
        Path b = write(docs.resolve("sub/b.md"), "a red car on the road\n\nthe bird sings in the tree");
        Path index = tmp.resolve("index");
        Result r = cli("index", "--model", "bert-tiny", "--index", index.toString(), docs.toString(), "--json");
        assertEquals(0, r.status(), r.err() + r.out());
        JsonNode j = r.json();
        assertEquals(4, j.get("passages").asInt());
        assertEquals(2, j.get("sources").asInt());
        assertEquals("bert-tiny", j.get("model").asText());
        Result s = cli("search", "--index", index.toString(), "-k", "3", "--json", "the", "cat", "sat", "on", "the", "mat");
        assertEquals(0, s.status(), s.err() + s.out());
        JsonNode hits = s.json().get("hits");
        assertEquals(3, hits.size());
        // the passage itself is the nearest to a query of the same words
        assertEquals("the cat sat on the mat", hits.get(0).get("text").asText());
        assertEquals(a.toAbsolutePath().toString(), hits.get(0).get("source").asText());
        assertEquals(0, hits.get(0).get("position").asInt());
        assertTrue(hits.get(0).get("score").asDouble() > hits.get(1).get("score").asDouble());
        Result plain = cli("search", "--index", index.toString(), "the bird sings in the tree");
        assertEquals(0, plain.status(), plain.err());
        assertTrue(plain.out().startsWith("1. "), plain.out());
        assertTrue(plain.out().contains(b.toAbsolutePath() + " #1"), plain.out());
        assertTrue(plain.out().contains("   the bird sings in the tree"), plain.out());

        // a changed file replaces its passages; the other is not embedded again
        write(a, "the sun and the rain");
        Result again = cli("index", "--model", "bert-tiny", "--index", index.toString(), docs.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("indexed   1 passage  " + a.toAbsolutePath()), again.out());
        assertTrue(again.out().contains("unchanged 2 passages " + b.toAbsolutePath()), again.out());
        assertTrue(again.out().contains("3 passages from 2 files"), again.out());

        // another model is refused, naming both, and nothing changes
        Result other = cli("index", "--model", "bert-tiny-cls", "--index", index.toString(), docs.toString());
        assertEquals(2, other.status());
        assertTrue(other.err().contains("built with model bert-tiny, not with model bert-tiny-cls"), other.err());
        Result otherSearch = cli("search", "--index", index.toString(), "--model", "no-such-model", "cat");
        assertEquals(2, otherSearch.status());
        assertTrue(otherSearch.err().contains("built with model bert-tiny, not with model no-such-model"),
                otherSearch.err());
    }

    @Test
    void badIndexFoldersAreClearErrors() throws Exception {
        Path notIndex = write(tmp.resolve("not-index/readme.txt"), "mine").getParent();
        Path doc = write(tmp.resolve("one/doc.txt"), "the cat");
        Result add = cli("index", "--model", "bert-tiny", "--index", notIndex.toString(), doc.toString());
        assertEquals(2, add.status());
        assertTrue(add.err().contains("is not a Genloom search index"), add.err());
        try (Stream<Path> s = Files.list(notIndex)) {
            assertEquals(1, s.count(), "nothing written into it");
        }
        Result search = cli("search", "--index", tmp.resolve("missing").toString(), "--json", "cat");
        assertEquals(2, search.status());
        assertTrue(search.json().get("error").get("message").asText().startsWith("there is no index at"));
        // an index of empty files: an empty result
        Path empty = write(tmp.resolve("empty/e.txt"), "\n \n");
        Path idx = tmp.resolve("empty-index");
        assertEquals(0, cli("index", "--model", "bert-tiny", "--index", idx.toString(), empty.toString()).status());
        Result none = cli("search", "--index", idx.toString(), "--json", "cat");
        assertEquals(0, none.status(), none.err());
        assertEquals(0, none.json().get("hits").size());
    }

    @Test
    void aSearchOverASmallCorpusFindsTheExpectedPassageFirstWithTheRealMiniLm() throws Exception {
        Path minilm = RealWeights.sharedModel("all-minilm-l6-v2-q");
        Path corpus = tmp.resolve("corpus");
        write(corpus.resolve("animals.txt"), """
                Elephants are the largest land animals. They live in herds led by the oldest female.

                Octopuses have three hearts and blue blood, and they can change colour to hide.

                Honey bees dance to tell the rest of the hive where flowers are.
                """);
        write(corpus.resolve("cooking.md"), """
                To bake bread, mix flour, water, salt and yeast, let the dough rise, then bake it in a hot oven.

                Boil pasta in plenty of salted water and drain it while it is still firm.
                """);
        write(corpus.resolve("travel/trains.txt"), """
                The night train from Vienna reaches Venice early in the morning.

                Buy a rail pass if you plan to travel through several countries by train.
                """);
        Path index = tmp.resolve("minilm-index");
        Result r = cli("index", "--model", minilm.toString(), "--index", index.toString(), corpus.toString());
        assertEquals(0, r.status(), r.err() + r.out());
        assertTrue(r.out().contains("7 passages from 3 files"), r.out());
        record Q(String query, String expected) {
        }
        for (Q q : List.of(new Q("how do I make a loaf of bread", "To bake bread"),
                new Q("which animal has three hearts", "Octopuses"),
                new Q("how do bees communicate", "Honey bees"),
                new Q("overnight rail journey to Italy", "The night train"))) {
            Result s = cli("search", "--index", index.toString(), "-k", "3", "--json", q.query());
            assertEquals(0, s.status(), s.err());
            JsonNode first = s.json().get("hits").get(0);
            assertTrue(first.get("text").asText().startsWith(q.expected()), q.query() + " -> " + s.out());
        }
    }

    @Test
    void benchEmbedReportsEachBatchSizeAgainstTheBareLoop() throws Exception {
        Result r = cli("bench", "embed", "--model", "bert-tiny", "--batches", "1,4", "--sentences", "8", "--repeats", "1",
                "--json");
        assertEquals(0, r.status(), r.err() + r.out());
        JsonNode j = r.json();
        assertEquals(2, j.get("batches").size());
        assertEquals(4, j.get("batches").get(1).get("batch").asInt());
        assertTrue(j.get("batches").get(1).get("sentencesPerSecond").asDouble() > 0);
        assertTrue(j.get("batches").get(1).get("bareSentencesPerSecond").asDouble() > 0);
    }
}
