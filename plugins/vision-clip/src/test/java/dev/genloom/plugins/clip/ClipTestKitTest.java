package dev.genloom.plugins.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.Embedding;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.ScoredLabel;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.media.Image;
import dev.genloom.cli.GenloomCli;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.LocalModelFolder;
import dev.genloom.zoo.testkit.clip.ClipModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin on the test kit's tiny CLIP (random weights, the real export layout): the family
 * recognises it, the towers and the combined model give the same embeddings and the same label
 * scores, the trained logit scale (100) is read off {@code model.onnx}, batches equal single calls,
 * label sets are cached, the dtype variant the host prefers is opened, bad labels and templates
 * and files that do not fit are refused in words, and the CLI prints labels with scores.
 */
class ClipTestKitTest {
    @TempDir
    static Path models;
    static Path kit;
    static Genloom host;

    @BeforeAll
    static void setUp() {
        kit = ClipModel.write(models.resolve("clip-tiny"), ClipModel.TINY);
        host = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        host.close();
    }

    static Image picture(int w, int h, long seed) {
        Random r = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        r.nextBytes(rgb);
        return new Image(w, h, rgb);
    }

    static void assertClose(float[] a, float[] b, double tolerance, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tolerance, what + " [" + i + "]");
        }
    }

    @Test
    void theFamilyRecognisesTowersAndCombinedExports() throws IOException {
        ClipFamily family = new ClipFamily();
        assertTrue(family.recognize(new LocalModelFolder(kit)).orElseThrow().contains("text_model"));
        Path combined = models.resolve("combined-only");
        Files.createDirectories(combined.resolve("onnx"));
        Files.copy(kit.resolve("config.json"), combined.resolve("config.json"));
        Files.copy(kit.resolve("onnx/model.onnx"), combined.resolve("onnx/model.onnx"));
        assertTrue(family.recognize(new LocalModelFolder(combined)).orElseThrow().contains("onnx/model.onnx"));
        Path other = Files.createDirectories(models.resolve("not-clip"));
        Files.writeString(other.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        assertTrue(family.recognize(new LocalModelFolder(other)).isEmpty());
    }

    @Test
    void towersAndCombinedGiveTheSameEmbeddingsAndScores() {
        List<Image> images = List.of(picture(40, 50, 1), picture(70, 30, 2), picture(32, 32, 3));
        List<String> texts = List.of("a photo of a cat", "dog", "a red square on a blue background");
        try (ClipModelImpl towers = Direct.open(kit, Map.of("layout", "towers"));
             ClipModelImpl combined = Direct.open(kit, Map.of("layout", "combined"))) {
            assertFalse(towers.graph.combined);
            assertTrue(combined.graph.combined);
            List<Embedding> ti = towers.embedImages(images, null);
            List<Embedding> ci = combined.embedImages(images, null);
            List<Embedding> tt = towers.embedTexts(texts, null);
            List<Embedding> ct = combined.embedTexts(texts, null);
            for (int i = 0; i < 3; i++) {
                assertEquals(1.0, ti.get(i).norm(), 1e-5);
                assertEquals(1.0, tt.get(i).norm(), 1e-5);
                assertClose(ti.get(i).vector(), ci.get(i).vector(), 1e-4, "image " + i);
                assertClose(tt.get(i).vector(), ct.get(i).vector(), 1e-4, "text " + i);
            }
            assertEquals(100, towers.zeroShot.logitScale(), 1e-2, towers.scaleSource);
            assertEquals(100, combined.zeroShot.logitScale(), 1e-2, combined.scaleSource);
            ImageToTextOptions o = ImageToTextOptions.builder().labels("cat", "dog", "bird").build();
            ImageText a = towers.describe(images.get(0), o);
            ImageText b = combined.describe(images.get(0), o);
            for (int i = 0; i < 3; i++) {
                assertEquals(a.labels().ranked().get(i).label(), b.labels().ranked().get(i).label());
                assertEquals(a.labels().ranked().get(i).score(), b.labels().ranked().get(i).score(), 1e-3);
            }
        }
    }

    @Test
    void scoresAreTheSoftmaxOfTheScaledCosinesBestFirst() {
        try (ClipModelImpl clip = Direct.open(kit, Map.of())) {
            Image image = picture(48, 36, 9);
            List<String> labels = List.of("cat", "dog", "bird", "fish");
            ImageText t = clip.describe(image, ImageToTextOptions.builder().labels(labels).labelTemplate("{} drawn").build());
            float[] img = clip.embedImage(image).vector();
            List<Embedding> texts = clip.embedTexts(labels.stream().map(l -> l + " drawn").toList(), null);
            double[] e = new double[4];
            double sum = 0;
            for (int i = 0; i < 4; i++) {
                e[i] = Math.exp(100 * new Embedding(img).dot(texts.get(i)));
                sum += e[i];
            }
            double total = 0;
            double previous = 1;
            for (ScoredLabel s : t.labels().ranked()) {
                assertEquals(e[labels.indexOf(s.label())] / sum, s.score(), 1e-4, s.label());
                assertTrue(s.score() <= previous);
                previous = s.score();
                total += s.score();
            }
            assertEquals(1, total, 1e-9);
            assertEquals(t.labels().best().orElseThrow().label(), t.text());
        }
    }

    @Test
    void batchesEqualSingleCallsAtAnyBatchSize() {
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            images.add(picture(30 + 7 * i, 60 - 5 * i, 20 + i));
        }
        List<String> texts = List.of("a", "a much longer text about a cat", "two words", "x y z w", "dog");
        try (ClipModelImpl one = Direct.open(kit, Map.of("batch_size", 1));
             ClipModelImpl two = Direct.open(kit, Map.of("batch_size", "2"))) {
            assertEquals(2, two.batchSize);
            List<Embedding> batched = two.embedImages(images, null);
            List<Embedding> batchedTexts = two.embedTexts(texts, null);
            for (int i = 0; i < 5; i++) {
                assertClose(one.embedImage(images.get(i)).vector(), batched.get(i).vector(), 1e-5, "image " + i);
                assertClose(one.embedText(texts.get(i)).vector(), batchedTexts.get(i).vector(), 1e-5, "text " + i);
            }
        }
        try (ClipModelImpl combined = Direct.open(kit, Map.of("layout", "combined", "batch_size", 3))) {
            List<Embedding> batchedTexts = combined.embedTexts(texts, null);
            for (int i = 0; i < 5; i++) {
                assertClose(combined.embedTexts(List.of(texts.get(i)), null).get(0).vector(),
                        batchedTexts.get(i).vector(), 1e-5, "padded text " + i);
            }
        }
    }

    @Test
    void eachLabelSetIsEmbeddedOnceAndTheCacheIsBounded() {
        try (ClipModelImpl clip = Direct.open(kit, Map.of("label_cache", 2))) {
            Image image = picture(32, 32, 4);
            ImageToTextOptions ab = ImageToTextOptions.builder().labels("a", "b").build();
            clip.describe(image, ab);
            clip.describe(picture(32, 32, 5), ab);
            assertEquals(1, clip.zeroShot.cachedSets());
            clip.describe(image, ab.toBuilder().labelTemplate("{}!").build());
            clip.describe(image, ImageToTextOptions.builder().labels("c").build());
            assertEquals(2, clip.zeroShot.cachedSets());
        }
    }

    @Test
    void badLabelsAndTemplatesAreRefusedInWords() {
        try (ClipModelImpl clip = Direct.open(kit, Map.of())) {
            Image image = picture(32, 32, 6);
            GenloomException none = assertThrows(GenloomException.class, () -> clip.describe(image));
            assertEquals(ErrorKind.INVALID_INPUT, none.kind());
            assertTrue(none.getMessage().contains("none were given"), none.getMessage());
            GenloomException blank = assertThrows(GenloomException.class,
                    () -> ImageToTextOptions.builder().labels("cat", " ").build());
            assertEquals(ErrorKind.INVALID_INPUT, blank.kind());
            GenloomException template = assertThrows(GenloomException.class,
                    () -> ImageToTextOptions.builder().labels("cat").labelTemplate("a photo").build());
            assertEquals(ErrorKind.INVALID_INPUT, template.kind());
            assertTrue(template.getMessage().contains("{}"), template.getMessage());
            GenloomException direct = assertThrows(GenloomException.class,
                    () -> ClipZeroShot.prompts(List.of("cat"), "no slot"));
            assertTrue(direct.getMessage().contains("no {}"), direct.getMessage());
            GenloomException empty = assertThrows(GenloomException.class, () -> clip.embedText(" "));
            assertEquals(ErrorKind.INVALID_INPUT, empty.kind());
            GenloomException batch = assertThrows(GenloomException.class,
                    () -> Direct.open(kit, Map.of("batch_size", 0)).close());
            assertTrue(batch.getMessage().contains("batch_size"), batch.getMessage());
        }
    }

    @Test
    void aVisionFileThatDoesNotFitIsRefusedNamingIt() throws IOException {
        Path bad = models.resolve("swapped");
        copyKit(bad);
        Files.copy(kit.resolve("onnx/text_model.onnx"), bad.resolve("onnx/vision_model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        GenloomException e = assertThrows(GenloomException.class, () -> Direct.open(bad, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("vision_model.onnx") && e.getMessage().contains("pixel_values"),
                e.getMessage());
        Path towersOnly = models.resolve("no-vision");
        copyKit(towersOnly);
        Files.delete(towersOnly.resolve("onnx/vision_model.onnx"));
        GenloomException missing = assertThrows(GenloomException.class,
                () -> Direct.open(towersOnly, Map.of("layout", "towers")));
        assertTrue(missing.getMessage().contains("onnx/vision_model"), missing.getMessage());
        // auto falls back to the combined model
        try (ClipModelImpl clip = Direct.open(towersOnly, Map.of())) {
            assertTrue(clip.graph.combined);
        }
    }

    @Test
    void theVariantTheHostPrefersIsOpened() throws IOException {
        Path variants = models.resolve("variants");
        copyKit(variants);
        for (String stem : List.of("text_model", "vision_model", "model")) {
            Files.copy(variants.resolve("onnx/" + stem + ".onnx"), variants.resolve("onnx/" + stem + "_quantized.onnx"));
        }
        try (ClipModelImpl clip = Direct.open(variants, Map.of(), Direct.sessions("quantized"));
             ClipModelImpl plain = Direct.open(variants, Map.of())) {
            assertEquals("text_model_quantized.onnx", clip.graph.textFile.getFileName().toString());
            assertEquals("vision_model_quantized.onnx", clip.graph.visionFile.getFileName().toString());
            assertEquals("text_model.onnx", plain.graph.textFile.getFileName().toString());
            assertClose(plain.embedText("cat").vector(), clip.embedText("cat").vector(), 1e-6, "same weights");
        }
    }

    static void copyKit(Path to) throws IOException {
        Files.createDirectories(to.resolve("onnx"));
        for (String f : new LocalModelFolder(kit).files()) {
            Files.copy(kit.resolve(f), to.resolve(f));
        }
    }

    @Test
    void throughTheHostTheModelIsEveryModality() {
        Object m = host.model(kit.toString(), "clip", Map.of());
        try {
            assertTrue(m instanceof ImageToText && m instanceof ImageEmbedder && m instanceof TextEmbedder);
            ImageText t = ((ImageToText) m).describe(picture(50, 40, 8),
                    ImageToTextOptions.builder().labels("cat", "dog").build());
            assertEquals(2, t.labels().size());
            assertEquals(16, ((ImageEmbedder) m).embedImage(picture(20, 20, 1)).dimension());
        } finally {
            ((ImageToText) m).close();
        }
    }

    static String[] cli(int expectedStatus, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "-q";
        System.arraycopy(args, 0, full, 1, args.length);
        int status = GenloomCli.execute(full, new PrintWriter(out), new PrintWriter(err));
        assertEquals(expectedStatus, status, out + "\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void theCliPrintsEveryLabelWithItsScore(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Files.write(a, picture(64, 48, 11).toPng());
        Files.write(b, picture(30, 60, 12).toPng());
        String json = cli(0, "--json", "image-to-text", "-m", kit.toString(), "-l", "cat,dog", "-l", "bird",
                "--template", "a drawing of a {}", a.toString(), b.toString())[0];
        JsonNode results = new ObjectMapper().readTree(json);
        assertEquals(2, results.size());
        for (JsonNode r : results) {
            JsonNode labels = r.path("labels");
            assertEquals(3, labels.size(), json);
            assertEquals(labels.get(0).path("label").asText(), r.path("text").asText());
            double sum = 0;
            for (JsonNode l : labels) {
                sum += l.path("score").asDouble();
            }
            assertEquals(1, sum, 1e-6, json);
        }
        String text = cli(0, "image-to-text", "-m", kit.toString(), "-l", "cat,dog", a.toString())[0];
        assertEquals(2, text.strip().lines().count(), text);
        assertTrue(text.contains("cat") && text.contains("dog"), text);
        String[] noLabels = cli(2, "image-to-text", "-m", kit.toString(), a.toString());
        assertTrue(noLabels[1].contains("none were given"), noLabels[1]);
        String[] badTemplate = cli(2, "image-to-text", "-m", kit.toString(), "-l", "cat", "--template", "x", a.toString());
        assertTrue(badTemplate[1].contains("{}"), badTemplate[1]);
    }
}
