package dev.genloom.plugins.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.Embedding;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.ScoredLabel;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the trained toy-clip-shapes under {@code GENLOOM_TEST_MODELS}: on every held-out picture,
 * the 48 labels through "a photo of a {}" give the expected label first and the reference's
 * probabilities (softmax of its {@code logits_per_image}) to 1e-3, with the towers and with the
 * combined model; the pixel values and image embeddings match the reference's.
 */
class ClipToyShapesTest {
    static Path folder;
    static JsonNode expected;
    static Genloom host;

    @BeforeAll
    static void setUp() throws IOException {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the toy-clip-shapes reference tests");
        folder = Path.of(dir, "toy-clip-shapes");
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping");
        expected = new ObjectMapper().readTree(folder.resolve("heldout/expected_outputs.json").toFile());
        host = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        if (host != null) {
            host.close();
        }
    }

    static List<String> labels() {
        List<String> out = new ArrayList<>();
        expected.path("labels").forEach(l -> out.add(l.asText()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"towers", "combined"})
    void heldOutPicturesGetTheReferenceLabelsAndScores(String layout) {
        try (ImageToText model = (ImageToText) host.model(folder.toString(), "clip", Map.of("layout", layout))) {
            List<String> labels = labels();
            ImageToTextOptions options = ImageToTextOptions.builder().labels(labels).build();
            int pictures = 0;
            for (JsonNode im : expected.path("images")) {
                Image image = Image.read(folder.resolve("heldout").resolve(im.path("file").asText()));
                ImageText t = model.describe(image, options);
                assertEquals(im.path("expected_label").asText(), t.text(), im.path("file").asText());
                double[] logits = new double[labels.size()];
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = im.path("logits_per_image").get(i).asDouble();
                    max = Math.max(max, logits[i]);
                }
                double sum = 0;
                for (double l : logits) {
                    sum += Math.exp(l - max);
                }
                assertEquals(labels.size(), t.labels().size());
                for (ScoredLabel s : t.labels().ranked()) {
                    double p = Math.exp(logits[labels.indexOf(s.label())] - max) / sum;
                    assertEquals(p, s.score(), 1e-3, im.path("file").asText() + " " + s.label());
                }
                assertEquals(im.path("top1_prob").asDouble(), t.labels().best().orElseThrow().score(), 1e-3);
                pictures++;
            }
            assertEquals(10, pictures);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"towers", "combined"})
    void pixelValuesAndImageEmbeddingsMatchTheReference(String layout) {
        try (ClipModelImpl clip = Direct.open(folder, Map.of("layout", layout))) {
            ImageEmbedder model = clip;
            List<Image> images = new ArrayList<>();
            for (JsonNode im : expected.path("images")) {
                Image image = Image.read(folder.resolve("heldout").resolve(im.path("file").asText()));
                images.add(image);
                float[] px = clip.processor.toTensor(image);
                double sum = 0;
                for (float v : px) {
                    sum += v;
                }
                assertEquals(im.path("pixel_values_sum").asDouble(), sum, 0.05, im.path("file").asText());
                for (int i = 0; i < 4; i++) {
                    assertEquals(im.path("pixel_values_first4").get(i).asDouble(), px[i], 1e-5);
                }
            }
            List<Embedding> batch = model.embedImages(images, null);
            int n = 0;
            for (JsonNode im : expected.path("images")) {
                float[] e = batch.get(n++).vector();
                JsonNode ref = im.path("image_embeds");
                double norm = 0;
                for (JsonNode v : ref) {
                    norm += v.asDouble() * v.asDouble();
                }
                norm = Math.sqrt(norm);
                assertEquals(ref.size(), e.length);
                for (int i = 0; i < e.length; i++) {
                    assertEquals(ref.get(i).asDouble() / norm, e[i], 1e-4, im.path("file").asText() + " [" + i + "]");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"towers", "combined"})
    void theLogitScaleIsReadOffTheCombinedModel(String layout) {
        try (ClipModelImpl clip = Direct.open(folder, Map.of("layout", layout))) {
            assertEquals(35.504, clip.zeroShot.logitScale(), 1e-2, clip.scaleSource);
            assertTrue(clip.scaleSource.contains("logits_per_image"), clip.scaleSource);
        }
    }
}
