package dev.genloom.runtime.tokenizer;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.Tokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DjlTokenizersTest {

    @TempDir
    Path tmp;

    private final DjlTokenizers factory = new DjlTokenizers();

    /**
     * A WordLevel tokenizer: whitespace pre-tokenizer, a BOS added by a template post-processor,
     * vocabulary {@code <unk>=0 <s>=1 the=2 cat=3 sat=4 on=5 mat=6}, decoded by joining words.
     */
    private Path wordLevel() throws Exception {
        String json = """
                {
                  "version": "1.0",
                  "truncation": null,
                  "padding": null,
                  "added_tokens": [
                    {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false,
                     "normalized": false, "special": true},
                    {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false,
                     "normalized": false, "special": true}
                  ],
                  "normalizer": null,
                  "pre_tokenizer": {"type": "WhitespaceSplit"},
                  "post_processor": {
                    "type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                    "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                    "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}
                  },
                  "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": false},
                  "model": {
                    "type": "WordLevel",
                    "vocab": {"<unk>": 0, "<s>": 1, "the": 2, "cat": 3, "sat": 4, "on": 5, "mat": 6},
                    "unk_token": "<unk>"
                  }
                }
                """;
        return Files.writeString(tmp.resolve("tokenizer.json"), json);
    }

    @Test
    void aWordLevelTokenizerLoadsAndRoundTrips() throws Exception {
        try (Tokenizer t = factory.load(wordLevel())) {
            Tokenizer.Encoding e = t.encode("the cat sat on the mat", false);
            assertArrayEquals(new long[] {2, 3, 4, 5, 2, 6}, e.ids());
            assertArrayEquals(new String[] {"the", "cat", "sat", "on", "the", "mat"}, e.tokens());
            assertEquals("the cat sat on the mat", t.decode(e.ids()));

            Tokenizer.Encoding withSpecial = t.encode("the cat");
            assertArrayEquals(new long[] {1, 2, 3}, withSpecial.ids());
            assertEquals("the cat", t.decode(withSpecial.ids(), true));
            assertEquals("<s> the cat", t.decode(withSpecial.ids(), false));

            assertArrayEquals(new long[] {2, 0}, t.encode("the dog", false).ids(), "unknown words are <unk>");
        }
    }

    @Test
    void tokenIdIsAnExactVocabularyLookup() throws Exception {
        try (Tokenizer t = factory.load(wordLevel())) {
            assertEquals(OptionalLong.of(1), t.tokenId("<s>"));
            assertEquals(OptionalLong.of(6), t.tokenId("mat"));
            assertEquals(OptionalLong.empty(), t.tokenId("dog"));
            assertEquals(OptionalLong.empty(), t.tokenId("the cat"));
            assertEquals(OptionalLong.empty(), t.tokenId("Mat"));
        }
    }

    @Test
    void longTextsAreNotTruncated() throws Exception {
        StringBuilder text = new StringBuilder();
        int words = 2000;
        for (int i = 0; i < words; i++) {
            text.append(i % 2 == 0 ? "the " : "cat ");
        }
        try (Tokenizer t = factory.load(wordLevel())) {
            Tokenizer.Encoding e = t.encode(text.toString(), false);
            assertEquals(words, e.size());
            assertEquals(3, e.ids()[words - 1]);
            assertEquals(words + 1, t.encode(text.toString(), true).size());
            assertEquals(text.toString().strip(), t.decode(e.ids()));
        }
    }

    @Test
    void aMissingFileIsInvalidInputNamingIt() {
        Path missing = tmp.resolve("nope/tokenizer.json");
        GenloomException e = assertThrows(GenloomException.class, () -> factory.load(missing));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void aBrokenFileIsAnErrorNamingIt() throws Exception {
        Path broken = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\"");
        GenloomException e = assertThrows(GenloomException.class, () -> factory.load(broken));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
    }

    @Test
    void aFolderMeansItsTokenizerJson() throws Exception {
        wordLevel();
        try (Tokenizer t = factory.load(tmp)) {
            assertArrayEquals(new long[] {3}, t.encode("cat", false).ids());
        }
    }

    @Test
    void worksUnderAForeignContextClassLoaderAndRestoresIt() throws Exception {
        Path file = wordLevel();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader plugin = new URLClassLoader(new URL[0], null)) { // sees nothing of the host
            Thread.currentThread().setContextClassLoader(plugin);
            try (Tokenizer t = factory.load(file)) {
                assertArrayEquals(new long[] {2, 6}, t.encode("the mat", false).ids());
                assertEquals("the mat", t.decode(new long[] {2, 6}));
                assertSame(plugin, Thread.currentThread().getContextClassLoader());
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** DJL's first use in a fresh JVM, under a plugin's context class loader. */
    @Test
    void djlStartsUnderAForeignContextClassLoader() throws Exception {
        Path file = wordLevel();
        Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                ForeignLoaderProbe.class.getName(), file.toString(), "the cat sat", tmp.resolve("cache").toString())
                .redirectErrorStream(true);
        pb.environment().remove("ENGINE_CACHE_DIR");
        pb.environment().remove("DJL_CACHE_DIR");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ids=[2, 3, 4]"), out);
        assertTrue(out.contains("same-loader=true"), out);
        try (java.util.stream.Stream<Path> libs = Files.walk(tmp.resolve("cache/djl/tokenizers"))) {
            assertTrue(libs.anyMatch(f -> f.toString().contains("-cpu-")
                    && f.getFileName().toString().startsWith(System.mapLibraryName("tokenizers"))),
                    "DJL unpacked the CPU build of its library into the Genloom cache: " + out);
        }
    }

    @Test
    void closedTokenizersRefuseWorkAndCloseTwiceQuietly() throws Exception {
        Tokenizer t = factory.load(wordLevel());
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, () -> t.encode("the"));
    }

    @Test
    void encodesFromManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Tokenizer t = factory.load(wordLevel())) {
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> t.encode("the cat sat on the mat", false).ids()));
            }
            for (Future<long[]> f : results) {
                assertArrayEquals(new long[] {2, 3, 4, 5, 2, 6}, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void djlIsToldToStayOfflineOnTheCpuBuild() {
        assertEquals("true", System.getProperty(DjlTokenizers.OFFLINE_PROPERTY));
        String flavor = System.getenv("RUST_FLAVOR") != null ? System.getenv("RUST_FLAVOR")
                : System.getProperty("RUST_FLAVOR");
        assertEquals("cpu", flavor);
    }

    // ------------------------------------------------------------------ real GPT-2 tokenizer

    private static Path gpt2() {
        String models = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(models != null && !models.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the test with the real GPT-2 tokenizer");
        Path file = Paths.get(models, "tokenizers", "gpt2", "tokenizer.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), file + " is missing: skipping");
        return file;
    }

    @Test
    void gpt2EncodesHelloWorld() {
        try (Tokenizer t = factory.load(gpt2())) {
            Tokenizer.Encoding e = t.encode("Hello world");
            assertArrayEquals(new long[] {15496, 995}, e.ids());
            assertArrayEquals(new String[] {"Hello", "Ġworld"}, e.tokens());
            assertEquals("Hello world", t.decode(e.ids()));
        }
    }

    @Test
    void gpt2RoundTripsEmojiAndCjk() {
        String text = "Grüße 👋🏽 from 東京 — 你好，世界! Ünïcödé, tabs\tand  two spaces.\nNew line 😀";
        try (Tokenizer t = factory.load(gpt2())) {
            long[] ids = t.encode(text, false).ids();
            assertTrue(ids.length > 20);
            assertEquals(text, t.decode(ids, false));
        }
    }

    @Test
    void gpt2KnowsItsEndOfTextToken() {
        try (Tokenizer t = factory.load(gpt2())) {
            assertEquals(OptionalLong.of(50256), t.tokenId("<|endoftext|>"));
            assertEquals(OptionalLong.of(15496), t.tokenId("Hello"));
            assertEquals(OptionalLong.of(995), t.tokenId("Ġworld"));
            assertEquals(OptionalLong.empty(), t.tokenId(" world"));
            assertArrayEquals(new long[] {50256}, t.encode("<|endoftext|>", false).ids());
        }
    }

    @Test
    void gpt2DoesNotTruncateAt1024Either() {
        String text = "word ".repeat(3000).strip(); // "word" then 2999 times " word"
        try (Tokenizer t = factory.load(gpt2())) {
            assertEquals(3000, t.encode(text, false).size());
        }
    }
}
