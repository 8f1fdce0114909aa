package dev.genloom.zoo.testkit.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipModelTest {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    static final ClipModel.Config C = ClipModel.TINY;
    static final long EOS = C.text().eosTokenId();
    static final long BOS = C.text().bosTokenId();

    @TempDir
    static Path dir;
    static Path folder;
    static OrtSession model;
    static OrtSession text;
    static OrtSession vision;

    @BeforeAll
    static void open() throws OrtException {
        folder = ClipModel.write(dir.resolve("clip-tiny"), C);
        model = session("model.onnx");
        text = session("text_model.onnx");
        vision = session("vision_model.onnx");
    }

    @AfterAll
    static void close() throws OrtException {
        for (OrtSession s : new OrtSession[] {model, text, vision}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static OrtSession session(String file) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            return ENV.createSession(folder.resolve("onnx").resolve(file).toString(), o);
        }
    }

    // ---------------------------------------------------------------- inputs

    /** Two texts, right-padded with EOS and attention_mask 0 as CLIPTokenizer pads. */
    static final long[][] IDS = {
        {BOS, 40, 300, 7, 99, EOS, EOS, EOS},
        {BOS, 260, 12, 88, 5, 270, 41, EOS},
    };
    static final long[][] MASK = {
        {1, 1, 1, 1, 1, 1, 0, 0},
        {1, 1, 1, 1, 1, 1, 1, 1},
    };

    /** Three seeded images {@code [3, 3, size, size]}, in the normalised range of real pixels. */
    static float[][][][] pixels(int count, long seed) {
        int size = C.vision().imageSize();
        float[][][][] out = new float[count][3][size][size];
        java.util.Random r = new java.util.Random(seed);
        for (float[][][] img : out) {
            for (float[][] ch : img) {
                for (float[] row : ch) {
                    for (int x = 0; x < size; x++) {
                        row[x] = (float) (r.nextDouble() * 3.6 - 1.8);
                    }
                }
            }
        }
        return out;
    }

    record ClipOut(float[][] perImage, float[][] perText, float[][] textEmbeds, float[][] imageEmbeds) {
    }

    static ClipOut runModel(long[][] ids, long[][] mask, float[][][][] px) throws OrtException {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(ENV, ids));
        in.put("attention_mask", OnnxTensor.createTensor(ENV, mask));
        in.put("pixel_values", OnnxTensor.createTensor(ENV, px));
        try (OrtSession.Result r = model.run(in)) {
            return new ClipOut(matrix(r, "logits_per_image"), matrix(r, "logits_per_text"),
                    matrix(r, "text_embeds"), matrix(r, "image_embeds"));
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    static float[][] runText(long[][] ids) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, ids); OrtSession.Result r = text.run(Map.of("input_ids", t))) {
            return matrix(r, "text_embeds");
        }
    }

    static float[][] runVision(float[][][][] px) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, px); OrtSession.Result r = vision.run(Map.of("pixel_values", t))) {
            return matrix(r, "image_embeds");
        }
    }

    static float[][] matrix(OrtSession.Result r, String name) throws OrtException {
        return (float[][]) r.get(name).orElseThrow(() -> new AssertionError("no output " + name)).getValue();
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    // ---------------------------------------------------------------- signature

    static void assertSignature(Map<String, NodeInfo> infos, String name, OnnxJavaType type, Object... dims) {
        NodeInfo info = infos.get(name);
        assertTrue(info != null, "missing " + name + " in " + infos.keySet());
        TensorInfo t = (TensorInfo) info.getInfo();
        assertEquals(type, t.type, name + " element type");
        assertEquals(dims.length, t.getShape().length, name + " rank");
        String[] names = t.getDimensionNames();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] instanceof String s) {
                assertEquals(s, names[i], name + " dim " + i);
            } else {
                assertEquals(((Number) dims[i]).longValue(), t.getShape()[i], name + " dim " + i);
            }
        }
    }

    @Test
    void filesHaveTheExportSignatures() throws OrtException, IOException {
        long p = C.projectionDim();
        Map<String, NodeInfo> in = model.getInputInfo();
        assertEquals(List.of("input_ids", "pixel_values", "attention_mask"), List.copyOf(in.keySet()));
        assertSignature(in, "input_ids", OnnxJavaType.INT64, "text_batch_size", "sequence_length");
        assertSignature(in, "attention_mask", OnnxJavaType.INT64, "text_batch_size", "sequence_length");
        assertSignature(in, "pixel_values", OnnxJavaType.FLOAT, "image_batch_size", "num_channels", "height", "width");
        Map<String, NodeInfo> out = model.getOutputInfo();
        assertEquals(List.of("logits_per_image", "logits_per_text", "text_embeds", "image_embeds"), List.copyOf(out.keySet()));
        assertSignature(out, "logits_per_image", OnnxJavaType.FLOAT, "image_batch_size", "text_batch_size");
        assertSignature(out, "logits_per_text", OnnxJavaType.FLOAT, "text_batch_size", "image_batch_size");
        assertSignature(out, "text_embeds", OnnxJavaType.FLOAT, "text_batch_size", p);
        assertSignature(out, "image_embeds", OnnxJavaType.FLOAT, "image_batch_size", p);

        assertEquals(List.of("input_ids"), List.copyOf(text.getInputInfo().keySet()));
        assertSignature(text.getInputInfo(), "input_ids", OnnxJavaType.INT64, "batch_size", "sequence_length");
        assertEquals(List.of("text_embeds", "last_hidden_state"), List.copyOf(text.getOutputInfo().keySet()));
        assertSignature(text.getOutputInfo(), "text_embeds", OnnxJavaType.FLOAT, "batch_size", p);
        assertSignature(text.getOutputInfo(), "last_hidden_state", OnnxJavaType.FLOAT, "batch_size", "sequence_length",
                (long) C.text().hidden());

        assertEquals(List.of("pixel_values"), List.copyOf(vision.getInputInfo().keySet()));
        assertSignature(vision.getInputInfo(), "pixel_values", OnnxJavaType.FLOAT, "batch_size", "num_channels", "height", "width");
        assertEquals(List.of("image_embeds", "last_hidden_state"), List.copyOf(vision.getOutputInfo().keySet()));
        assertSignature(vision.getOutputInfo(), "image_embeds", OnnxJavaType.FLOAT, "batch_size", p);
        // declared [batch_size, sequence_length, hidden]; ONNX Runtime reports the axis it can infer
        // from the learned positions (patches + 1) as fixed, as it does for a real export
        TensorInfo last = (TensorInfo) vision.getOutputInfo().get("last_hidden_state").getInfo();
        assertEquals("batch_size", last.getDimensionNames()[0]);
        assertTrue("sequence_length".equals(last.getDimensionNames()[1]) || last.getShape()[1] == C.vision().tokens(),
                "vision last_hidden_state dim 1: " + java.util.Arrays.toString(last.getShape()));
        assertEquals(C.vision().hidden(), last.getShape()[2]);

        for (String f : List.of("model.onnx", "text_model.onnx", "vision_model.onnx")) {
            assertTrue(Files.size(folder.resolve("onnx").resolve(f)) < 1_000_000, f + " is well under 1 MB");
        }
    }

    @Test
    void lastHiddenStatesHaveTheTowerShapes() throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, IDS); OrtSession.Result r = text.run(Map.of("input_ids", t))) {
            assertArrayEquals(new long[] {2, 8, C.text().hidden()},
                    ((OnnxTensor) r.get("last_hidden_state").orElseThrow()).getInfo().getShape());
        }
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, pixels(3, 1)); OrtSession.Result r = vision.run(Map.of("pixel_values", t))) {
            assertArrayEquals(new long[] {3, C.vision().tokens(), C.vision().hidden()},
                    ((OnnxTensor) r.get("last_hidden_state").orElseThrow()).getInfo().getShape());
        }
    }

    // ---------------------------------------------------------------- numerics

    @Test
    void logitsAreScaledCosinesOfTheSeparateTowers() throws OrtException {
        float[][][][] px = pixels(3, 1);
        ClipOut out = runModel(IDS, MASK, px);
        float[][] t = runText(IDS);
        float[][] v = runVision(px);
        assertEquals(2, out.perText().length);
        assertEquals(3, out.perText()[0].length);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                double expected = 100.0 * cosine(t[i], v[j]);
                assertEquals(expected, out.perText()[i][j], 1e-4 * Math.max(1, Math.abs(expected)), "logits_per_text[" + i + "][" + j + "]");
            }
        }
        // the normalised embeddings of model.onnx are the towers' projections, scaled
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < t[i].length; k++) {
                assertEquals(t[i][k] / norm(t[i]), out.textEmbeds()[i][k], 1e-5);
            }
        }
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < v[j].length; k++) {
                assertEquals(v[j][k] / norm(v[j]), out.imageEmbeds()[j][k], 1e-5);
            }
        }
    }

    @Test
    void embeddingsAreUnitLength() throws OrtException {
        ClipOut out = runModel(IDS, MASK, pixels(3, 2));
        for (float[][] m : List.of(out.textEmbeds(), out.imageEmbeds())) {
            for (float[] e : m) {
                assertEquals(1.0, norm(e), 1e-5);
                assertEquals(C.projectionDim(), e.length);
            }
        }
    }

    @Test
    void logitsPerTextIsTheTransposeOfLogitsPerImage() throws OrtException {
        ClipOut out = runModel(IDS, MASK, pixels(3, 3));
        assertEquals(3, out.perImage().length);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(out.perImage()[i][j], out.perText()[j][i], 0f);
            }
        }
    }

    @Test
    void paddingBeyondEndOfTextChangesNothing() throws OrtException {
        long[][] bare = {{BOS, 40, 300, 7, 99, EOS}};
        long[][] padded = {{BOS, 40, 300, 7, 99, EOS, EOS, EOS, EOS}};
        long[][] paddedMask = {{1, 1, 1, 1, 1, 1, 0, 0, 0}};
        float[][][][] px = pixels(1, 4);
        ClipOut a = runModel(bare, new long[][] {{1, 1, 1, 1, 1, 1}}, px);
        ClipOut b = runModel(padded, paddedMask, px);
        assertTrue(maxDiff(a.textEmbeds()[0], b.textEmbeds()[0]) < 1e-5, "padded text embedding");
        assertEquals(a.perText()[0][0], b.perText()[0][0], 1e-4);
        assertTrue(maxDiff(runText(bare)[0], runText(padded)[0]) < 1e-5, "text_model with padding");
        // and a text padded inside a batch equals the text alone
        ClipOut batch = runModel(IDS, MASK, px);
        ClipOut alone = runModel(new long[][] {{BOS, 40, 300, 7, 99, EOS}}, new long[][] {{1, 1, 1, 1, 1, 1}}, px);
        assertTrue(maxDiff(batch.textEmbeds()[0], alone.textEmbeds()[0]) < 1e-5, "batched, padded text");
    }

    @Test
    void outputsDependOnTokensAndPixels() throws OrtException {
        float[][][][] px = pixels(1, 5);
        float[][] base = runText(new long[][] {{BOS, 40, 300, 7, 99, EOS}});
        for (int pos = 1; pos < 5; pos++) {
            long[] ids = {BOS, 40, 300, 7, 99, EOS};
            ids[pos] = 123;
            assertTrue(maxDiff(base[0], runText(new long[][] {ids})[0]) > 1e-4, "token " + pos + " matters");
        }
        float[] image = runVision(px)[0];
        int size = C.vision().imageSize();
        int patch = C.vision().patchSize();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y += patch) {
                for (int x = 0; x < size; x += patch) {
                    float[][][][] changed = pixels(1, 5);
                    changed[0][c][y + 1][x + 2] += 1f;
                    assertTrue(maxDiff(image, runVision(changed)[0]) > 1e-6, "pixel in patch " + y + "," + x + " channel " + c);
                }
            }
        }
        ClipOut a = runModel(IDS, MASK, pixels(3, 6));
        ClipOut b = runModel(IDS, MASK, pixels(3, 7));
        assertTrue(maxDiff(a.perText()[0], b.perText()[0]) > 1e-3, "logits depend on pixels");
    }

    // ---------------------------------------------------------------- files

    @Test
    void writingAgainGivesTheSameBytes(@TempDir Path other) throws IOException {
        Path again = ClipModel.write(other.resolve("clip-tiny"), C);
        try (var files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(again.resolve(folder.relativize(f))), "bytes of " + f);
            }
        }
    }

    @Test
    void configsSayWhatTheModelIs() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(folder.resolve("config.json").toFile());
        assertEquals("clip", config.get("model_type").asText());
        assertEquals(C.projectionDim(), config.get("projection_dim").asInt());
        assertEquals(2.6592, config.get("logit_scale_init_value").asDouble(), 1e-9);
        assertEquals(C.text().vocabSize(), config.at("/text_config/vocab_size").asInt());
        assertEquals(C.text().positions(), config.at("/text_config/max_position_embeddings").asInt());
        assertEquals(EOS, config.at("/text_config/eos_token_id").asLong());
        assertEquals(C.vision().imageSize(), config.at("/vision_config/image_size").asInt());
        assertEquals(C.vision().patchSize(), config.at("/vision_config/patch_size").asInt());
        assertEquals("quick_gelu", config.at("/vision_config/hidden_act").asText());
        JsonNode pre = json.readTree(folder.resolve("preprocessor_config.json").toFile());
        assertEquals("CLIPImageProcessor", pre.get("image_processor_type").asText());
        assertEquals(C.vision().imageSize(), pre.at("/size/shortest_edge").asInt());
        assertEquals(C.vision().imageSize(), pre.at("/crop_size/height").asInt());
        assertEquals(3, pre.get("resample").asInt());
        assertEquals(1 / 255.0, pre.get("rescale_factor").asDouble(), 1e-12);
        assertEquals(0.48145466, pre.at("/image_mean/0").asDouble(), 1e-9);
        assertEquals(0.27577711, pre.at("/image_std/2").asDouble(), 1e-9);
    }

    @Test
    void tokenizerLoadsInDjlAndWrapsTexts() throws IOException {
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(folder)) {
            Encoding e = tok.encode("A photo of a Cat");
            long[] ids = e.getIds();
            assertEquals(BOS, ids[0]);
            assertEquals(EOS, ids[ids.length - 1]);
            for (int i = 1; i < ids.length - 1; i++) {
                assertTrue(ids[i] >= 0 && ids[i] < BOS, "id " + ids[i]);
            }
            assertEquals("a photo of a cat", tok.decode(ids, true), "lowercased round trip");
            // the end-of-text token is the highest id, where CLIP's argmax pooling looks for it
            long max = -1;
            for (long id : ids) {
                max = Math.max(max, id);
            }
            assertEquals(EOS, max);
        }
    }
}
