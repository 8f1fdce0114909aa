package dev.genloom.zoo.testkit.musicgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny MusicGen folder: files, JSON, signatures through ONNX Runtime, and what the networks compute. */
class MusicgenExportTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final MusicgenExport.Config C = MusicgenExport.TINY;
    private static final int K = C.numCodebooks();
    private static final int H = C.heads();
    private static final int D = C.headDim();
    private static final int V = C.codebookSize();

    @TempDir
    static Path dir;
    static Path folder;
    static OrtSession text;
    static OrtSession decoder;
    static OrtSession encodec;

    @BeforeAll
    static void write() throws OrtException {
        folder = MusicgenExport.write(dir.resolve("musicgen-tiny"), C);
        Path onnx = folder.resolve("onnx");
        text = ENV.createSession(onnx.resolve(MusicgenExport.TEXT_ENCODER_FILE).toString());
        decoder = ENV.createSession(onnx.resolve(MusicgenExport.DECODER_MERGED_FILE).toString());
        encodec = ENV.createSession(onnx.resolve(MusicgenExport.ENCODEC_DECODE_FILE).toString());
    }

    @AfterAll
    static void close() throws OrtException {
        text.close();
        decoder.close();
        encodec.close();
    }

    @Test
    void folderHasTheTransformersJsLayoutAndSmallFiles() throws IOException {
        for (String f : List.of("config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json",
                "tokenizer_config.json", "onnx/text_encoder.onnx", "onnx/decoder_model_merged.onnx", "onnx/encodec_decode.onnx")) {
            assertTrue(Files.isRegularFile(folder.resolve(f)), f);
        }
        for (String f : List.of("text_encoder.onnx", "decoder_model_merged.onnx", "encodec_decode.onnx")) {
            long size = Files.size(folder.resolve("onnx").resolve(f));
            assertTrue(size < 1_000_000, f + " is " + size + " bytes");
        }
    }

    @Test
    void configsSayWhatMusicgenSmallSays() throws IOException {
        ObjectMapper m = new ObjectMapper();
        JsonNode config = m.readTree(folder.resolve("config.json").toFile());
        assertEquals("musicgen", config.get("model_type").asText());
        assertEquals(4, config.at("/decoder/num_codebooks").asInt());
        assertEquals(2048, config.at("/decoder/pad_token_id").asInt());
        assertEquals(2048, config.at("/decoder/bos_token_id").asInt());
        assertEquals(2048, config.at("/decoder/vocab_size").asInt());
        assertEquals(32000, config.at("/audio_encoder/sampling_rate").asInt());
        int hop = 1;
        for (JsonNode r : config.at("/audio_encoder/upsampling_ratios")) {
            hop *= r.asInt();
        }
        assertEquals(50, (int) Math.ceil(32000.0 / hop), "frame rate from upsampling_ratios");
        assertEquals("t5", config.at("/text_encoder/model_type").asText());
        JsonNode gen = m.readTree(folder.resolve("generation_config.json").toFile());
        assertEquals(3.0, gen.get("guidance_scale").asDouble());
        assertTrue(gen.get("do_sample").asBoolean());
        assertEquals(250, gen.get("top_k").asInt());
        assertEquals(C.maxLength(), gen.get("max_length").asInt());
        assertEquals(2048, gen.get("decoder_start_token_id").asInt());
        JsonNode tok = m.readTree(folder.resolve("tokenizer.json").toFile());
        assertEquals("Unigram", tok.at("/model/type").asText());
        assertEquals(C.textVocab(), tok.at("/model/vocab").size());
        assertEquals("</s>", tok.at("/model/vocab/1/0").asText());
    }

    private static Map<String, String> signature(Map<String, NodeInfo> infos) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            TensorInfo t = (TensorInfo) e.getValue().getInfo();
            out.put(e.getKey(), t.type + Arrays.toString(t.getShape()));
        }
        return out;
    }

    @Test
    void signaturesAreOptimums() throws OrtException {
        Map<String, String> textIn = new LinkedHashMap<>();
        textIn.put("input_ids", "INT64[-1, -1]");
        textIn.put("attention_mask", "INT64[-1, -1]");
        assertEquals(textIn, signature(text.getInputInfo()));
        assertEquals(Map.of("last_hidden_state", "FLOAT[-1, -1, 12]"), signature(text.getOutputInfo()));

        Map<String, String> decIn = new LinkedHashMap<>();
        decIn.put("input_ids", "INT64[-1, -1]");
        decIn.put("encoder_hidden_states", "FLOAT[-1, -1, 12]");
        decIn.put("encoder_attention_mask", "INT64[-1, -1]");
        for (int i = 0; i < C.layers(); i++) {
            for (String kind : List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value")) {
                decIn.put("past_key_values." + i + "." + kind, "FLOAT[-1, 2, -1, 4]");
            }
        }
        decIn.put("use_cache_branch", "BOOL[1]");
        assertEquals(decIn, signature(decoder.getInputInfo()));
        Map<String, String> decOut = new LinkedHashMap<>();
        decOut.put("logits", "FLOAT[-1, -1, 2048]");
        for (int i = 0; i < C.layers(); i++) {
            for (String kind : List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value")) {
                decOut.put("present." + i + "." + kind, "FLOAT[-1, 2, -1, 4]");
            }
        }
        assertEquals(decOut, signature(decoder.getOutputInfo()));

        assertEquals(Map.of("audio_codes", "INT64[1, -1, 4, -1]"), signature(encodec.getInputInfo()));
        assertEquals(Map.of("audio_values", "FLOAT[-1, 1, -1]"), signature(encodec.getOutputInfo()));
    }

    // ---------------------------------------------------------------- running

    /** A run's float outputs, copied out, with shapes. */
    record Out(Map<String, float[]> values, Map<String, long[]> shapes) {
        float[] get(String name) {
            return values.get(name);
        }
    }

    private static Out run(OrtSession s, Map<String, OnnxTensor> in) throws OrtException {
        try (OrtSession.Result r = s.run(in)) {
            Map<String, float[]> values = new HashMap<>();
            Map<String, long[]> shapes = new HashMap<>();
            for (Map.Entry<String, OnnxValue> e : r) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                FloatBuffer b = t.getFloatBuffer();
                float[] v = new float[b.remaining()];
                b.get(v);
                values.put(e.getKey(), v);
                shapes.put(e.getKey(), t.getInfo().getShape());
            }
            return new Out(values, shapes);
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    private static OnnxTensor longs(long[] v, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, LongBuffer.wrap(v), shape);
    }

    private static OnnxTensor floats(float[] v, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(v), shape);
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Decoder inputs for {@code ids [rows, s]} (row-major) with the given pasts (null: empty, no cache). */
    private static Map<String, OnnxTensor> decoderInputs(long[] ids, int rows, int s, float[] encoder, long[] mask,
                                                         int batch, int encLen, Out past) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", longs(ids, rows, s));
        in.put("encoder_hidden_states", floats(encoder, batch, encLen, C.textDModel()));
        in.put("encoder_attention_mask", longs(mask, batch, encLen));
        for (int i = 0; i < C.layers(); i++) {
            for (String kind : List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value")) {
                if (past == null) {
                    in.put("past_key_values." + i + "." + kind, floats(new float[0], batch, H, 0, D));
                } else {
                    String name = "present." + i + "." + kind;
                    in.put("past_key_values." + i + "." + kind, floats(past.get(name), past.shapes().get(name)));
                }
            }
        }
        in.put("use_cache_branch", OnnxTensor.createTensor(ENV, new boolean[] {past != null}));
        return in;
    }

    private static long[] columns(long[] ids, int rows, int s, int from, int to) {
        long[] out = new long[rows * (to - from)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(ids, r * s + from, out, r * (to - from), to - from);
        }
        return out;
    }

    @Test
    void prefillThenCachedStepsGiveTheLogitsOfOneFullPass() throws OrtException {
        Random r = new Random(3);
        int batch = 2;
        int rows = batch * K;
        int s = 7;
        int encLen = 5;
        long[] ids = new long[rows * s];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % s == 0 ? V : r.nextInt(V + 1);
        }
        float[] encoder = random(r, batch * encLen * C.textDModel());
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
        Out full = run(decoder, decoderInputs(ids, rows, s, encoder, mask, batch, encLen, null));
        assertArrayEquals(new long[] {rows, s, V}, full.shapes().get("logits"));
        assertArrayEquals(new long[] {batch, H, s, D}, full.shapes().get("present.0.decoder.key"));
        assertArrayEquals(new long[] {batch, H, encLen, D}, full.shapes().get("present.1.encoder.value"));

        int prefill = 3;
        Out step = run(decoder, decoderInputs(columns(ids, rows, s, 0, prefill), rows, prefill, encoder, mask, batch, encLen, null));
        assertLogits(full.get("logits"), s, step.get("logits"), prefill, 0, prefill);
        for (int t = prefill; t < s; t++) {
            step = run(decoder, decoderInputs(columns(ids, rows, s, t, t + 1), rows, 1, encoder, mask, batch, encLen, step));
            assertLogits(full.get("logits"), s, step.get("logits"), 1, t, t + 1);
            assertArrayEquals(new long[] {batch, H, t + 1, D}, step.shapes().get("present.0.decoder.key"));
        }
    }

    /** {@code part [rows, n, V]} equals positions {@code from..to-1} of {@code full [rows, s, V]}. */
    private static void assertLogits(float[] full, int s, float[] part, int n, int from, int to) {
        int rows = full.length / (s * V);
        for (int row = 0; row < rows; row++) {
            for (int p = from; p < to; p++) {
                for (int v = 0; v < V; v++) {
                    float expected = full[(row * s + p) * V + v];
                    float actual = part[(row * n + p - from) * V + v];
                    assertEquals(expected, actual, 1e-4f, "row " + row + " position " + p + " code " + v);
                }
            }
        }
    }

    @Test
    void maskedEncoderPositionsDoNotReachTheLogits() throws OrtException {
        Random r = new Random(5);
        int encLen = 4;
        long[] ids = {V, V, V, V};
        long[] mask = {1, 1, 0, 0};
        float[] encoder = random(r, encLen * C.textDModel());
        float[] changedMasked = encoder.clone();
        float[] changedKept = encoder.clone();
        for (int c = 0; c < C.textDModel(); c++) {
            changedMasked[3 * C.textDModel() + c] += 1f;
            changedKept[1 * C.textDModel() + c] += 1f;
        }
        float[] base = run(decoder, decoderInputs(ids, K, 1, encoder, mask, 1, encLen, null)).get("logits");
        float[] masked = run(decoder, decoderInputs(ids, K, 1, changedMasked, mask, 1, encLen, null)).get("logits");
        float[] kept = run(decoder, decoderInputs(ids, K, 1, changedKept, mask, 1, encLen, null)).get("logits");
        assertArrayEquals(base, masked, 1e-6f);
        assertTrue(maxDiff(base, kept) > 1e-4, "an attended position changes the logits");
        for (int k = 1; k < K; k++) {
            assertTrue(maxDiff(Arrays.copyOfRange(base, 0, V), Arrays.copyOfRange(base, k * V, (k + 1) * V)) > 1e-4,
                    "codebook " + k + " has its own head");
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void textEncoderIgnoresMaskedPadding() throws OrtException {
        long[] ids = {MusicgenTokenizer.id("\u2581piano"), MusicgenTokenizer.id("\u2581jazz"), MusicgenTokenizer.EOS_ID};
        long[] padded = {ids[0], ids[1], ids[2], MusicgenTokenizer.PAD_ID, MusicgenTokenizer.PAD_ID};
        Out a = run(text, Map.of("input_ids", longs(ids, 1, 3), "attention_mask", longs(new long[] {1, 1, 1}, 1, 3)));
        Out b = run(text, Map.of("input_ids", longs(padded, 1, 5), "attention_mask", longs(new long[] {1, 1, 1, 0, 0}, 1, 5)));
        assertArrayEquals(new long[] {1, 3, C.textDModel()}, a.shapes().get("last_hidden_state"));
        assertArrayEquals(a.get("last_hidden_state"),
                Arrays.copyOf(b.get("last_hidden_state"), 3 * C.textDModel()), 1e-5f);
    }

    @Test
    void encodecTurnsFramesIntoHopSamplesLocally() throws OrtException {
        int batch = 2;
        int frames = 4;
        long[] codes = new long[batch * K * frames];
        Random r = new Random(9);
        for (int i = 0; i < codes.length; i++) {
            codes[i] = r.nextInt(V);
        }
        long[] changed = codes.clone();
        for (int k = 0; k < K; k++) {
            changed[(0 * K + k) * frames + 3] = (codes[(0 * K + k) * frames + 3] + 1) % V;   // item 0, frame 3
        }
        Out a = run(encodec, Map.of("audio_codes", longs(codes, 1, batch, K, frames)));
        Out b = run(encodec, Map.of("audio_codes", longs(changed, 1, batch, K, frames)));
        int hop = C.hop();
        assertEquals(640, hop);
        assertArrayEquals(new long[] {batch, 1, (long) frames * hop}, a.shapes().get("audio_values"));
        float[] x = a.get("audio_values");
        float[] y = b.get("audio_values");
        for (float v : x) {
            assertTrue(Math.abs(v) < 1f);
        }
        int n = frames * hop;
        // the kernel-3 convolution reaches one frame either side: frames 0 and 1 of item 0 and all of item 1 stay
        assertArrayEquals(Arrays.copyOfRange(x, 0, 2 * hop), Arrays.copyOfRange(y, 0, 2 * hop));
        assertArrayEquals(Arrays.copyOfRange(x, n, 2 * n), Arrays.copyOfRange(y, n, 2 * n));
        assertTrue(maxDiff(Arrays.copyOfRange(x, 2 * hop, n), Arrays.copyOfRange(y, 2 * hop, n)) > 1e-5);
    }

    @Test
    void writingTwiceGivesTheSameBytes() throws IOException {
        Path again = MusicgenExport.write(dir.resolve("again"), C);
        for (String f : List.of("onnx/text_encoder.onnx", "onnx/decoder_model_merged.onnx", "onnx/encodec_decode.onnx", "tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(folder.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
    }
}
