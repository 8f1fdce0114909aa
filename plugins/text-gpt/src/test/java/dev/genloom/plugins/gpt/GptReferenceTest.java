package dev.genloom.plugins.gpt;

import dev.genloom.api.Generation;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.tokenizer.DjlTokenizers;
import dev.genloom.spi.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Against the trained toy-gpt2-stories under {@code GENLOOM_TEST_MODELS}: every row of its
 * reference.tsv (greedy, 30 new tokens, from an independent implementation), from both ONNX files,
 * alone and as one batch; and the GPT-2 tokenizer round trip.
 */
class GptReferenceTest {

    record Row(String prompt, long[] promptIds, long[] generatedIds, String text) {
    }

    static Path folder;
    static List<Row> rows;
    static Genloom genloom;

    @BeforeAll
    static void setUp() throws Exception {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the toy-gpt2-stories reference tests");
        folder = Path.of(dir).resolve("toy-gpt2-stories");
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping");
        rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(folder.resolve("reference.tsv"));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(f[0], ids(f[1]), ids(f[2]), f[3]));
        }
        assertEquals(10, rows.size());
        genloom = Genloom.builder().environment(Map.of()).device("cpu").build();
    }

    @AfterAll
    static void tearDown() {
        if (genloom != null) {
            genloom.close();
        }
    }

    private static long[] ids(String s) {
        return Arrays.stream(s.trim().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private static TextToText lm(String file) {
        return (TextToText) genloom.model(folder.toString(), "gpt", Map.of("file", file));
    }

    static final TextOptions GREEDY_30 = TextOptions.defaults().withMaxNewTokens(30);

    @ParameterizedTest
    @ValueSource(strings = {"model", "decoder_model_merged"})
    void everyReferenceRowAlone(String file) {
        TextToText m = lm(file);
        for (Row r : rows) {
            Generation g = m.generate(r.prompt(), GREEDY_30);
            assertEquals(r.promptIds().length, g.promptTokens(), r.prompt());
            assertArrayEquals(r.generatedIds(), g.tokenIds(), r.prompt());
            assertEquals(r.text(), g.text(), r.prompt());
            assertEquals(Generation.FinishReason.LENGTH, g.finishReason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"model", "decoder_model_merged"})
    void allReferenceRowsInOneBatch(String file) {
        List<Generation> out = lm(file).generateBatch(rows.stream().map(Row::prompt).toList(), GREEDY_30);
        for (int i = 0; i < rows.size(); i++) {
            assertArrayEquals(rows.get(i).generatedIds(), out.get(i).tokenIds(), rows.get(i).prompt());
            assertEquals(rows.get(i).text(), out.get(i).text());
        }
    }

    @Test
    void streamingGivesTheReferenceText() {
        StringBuilder streamed = new StringBuilder();
        Row r = rows.get(0);
        Generation g = lm("model").generate(r.prompt(), GREEDY_30, streamed::append);
        assertEquals(r.text(), streamed.toString());
        assertEquals(r.text(), g.text());
    }

    @Test
    void gpt2TokenizerRoundTripsEmojiAndCjk() {
        try (Tokenizer t = new DjlTokenizers().load(folder.resolve("tokenizer.json"))) {
            for (Row r : rows) {
                assertArrayEquals(r.promptIds(), t.encode(r.prompt()).ids(), r.prompt());
            }
            for (String text : List.of("Hello 😀 world", "日本語のテキスト and 中文", "mixed 🦊🐻‍❄️ emoji 👩‍👩‍👧",
                    "  leading spaces\nand lines\t tabs", "é ñ ü ß")) {
                long[] ids = t.encode(text).ids();
                assertEquals(text, t.decode(ids), text);
            }
        }
    }

    @Test
    void streamingNeverSplitsACharacter() {
        try (Tokenizer t = new DjlTokenizers().load(folder.resolve("tokenizer.json"))) {
            String text = "Lily saw 🦊 and 日本語 😀!";
            long[] ids = t.encode(text).ids();
            List<String> pieces = new ArrayList<>();
            TextStream stream = new TextStream(t, pieces::add, List.of());
            for (long id : ids) {
                stream.add(id);
            }
            stream.finish();
            assertEquals(text, String.join("", pieces));
            for (String p : pieces) {
                assertEquals(-1, p.indexOf('\uFFFD'), "piece " + p);
            }
        }
    }
}
