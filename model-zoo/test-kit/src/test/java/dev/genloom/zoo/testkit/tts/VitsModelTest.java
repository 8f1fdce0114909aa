package dev.genloom.zoo.testkit.tts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VitsModelTest {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    static final VitsModel.Config C = VitsModel.TINY;

    @TempDir
    static Path dir;
    static Path folder;
    static OrtSession session;

    @BeforeAll
    static void open() throws OrtException {
        folder = VitsModel.write(dir.resolve("mms-tts-tiny"), C);
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            session = ENV.createSession(folder.resolve("onnx/model.onnx").toString(), o);
        }
    }

    @AfterAll
    static void close() throws OrtException {
        if (session != null) {
            session.close();
        }
    }

    record Speech(float[][] waveform, float[][][] spectrogram) {
        int frames() {
            return spectrogram[0][0].length;
        }
    }

    static Speech speak(long[][] ids, long[][] mask) throws OrtException {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(ENV, ids));
        in.put("attention_mask", OnnxTensor.createTensor(ENV, mask));
        try (OrtSession.Result r = session.run(in)) {
            return new Speech((float[][]) r.get("waveform").orElseThrow().getValue(),
                    (float[][][]) r.get("spectrogram").orElseThrow().getValue());
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    static Speech speak(long[] ids) throws OrtException {
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        return speak(new long[][] {ids}, new long[][] {mask});
    }

    static void assertDims(NodeInfo info, OnnxJavaType type, Object... dims) {
        TensorInfo t = (TensorInfo) info.getInfo();
        assertEquals(type, t.type, info.getName());
        assertEquals(dims.length, t.getShape().length, info.getName() + " rank");
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] instanceof String s) {
                assertEquals(s, t.getDimensionNames()[i], info.getName() + " dim " + i);
            } else {
                assertEquals(((Number) dims[i]).longValue(), t.getShape()[i], info.getName() + " dim " + i);
            }
        }
    }

    @Test
    void modelHasTheExportSignature() throws OrtException, IOException {
        assertEquals(List.of("input_ids", "attention_mask"), List.copyOf(session.getInputInfo().keySet()));
        assertDims(session.getInputInfo().get("input_ids"), OnnxJavaType.INT64, "text_batch_size", "sequence_length");
        assertDims(session.getInputInfo().get("attention_mask"), OnnxJavaType.INT64, "text_batch_size", "sequence_length");
        assertEquals(List.of("waveform", "spectrogram"), List.copyOf(session.getOutputInfo().keySet()));
        assertDims(session.getOutputInfo().get("waveform"), OnnxJavaType.FLOAT, "text_batch_size", "n_samples");
        assertDims(session.getOutputInfo().get("spectrogram"), OnnxJavaType.FLOAT, "text_batch_size", (long) C.flowSize(), "num_bins");
        assertTrue(Files.size(folder.resolve("onnx/model.onnx")) < 1_000_000, "well under 1 MB");
    }

    @Test
    void waveformLengthFollowsTheDurations() throws OrtException {
        for (String text : List.of("a", "hi", "hello world", "the quick brown fox jumps over the lazy dog")) {
            long[] ids = VitsModel.encode(text, true);
            Speech s = speak(ids);
            int frames = s.frames();
            assertEquals((long) frames * C.hop(), s.waveform()[0].length, text + ": samples = frames x hop");
            assertTrue(frames >= ids.length, text + ": every token gets at least one frame (" + frames + ")");
            assertTrue(frames <= VitsModel.MAX_FRAMES_PER_TOKEN * ids.length, text + ": at most 5 frames a token (" + frames + ")");
        }
        long[] sentence = VitsModel.encode("the quick brown fox jumps over the lazy dog", true);
        int frames = speak(sentence).frames();
        assertTrue(frames > sentence.length && frames < VitsModel.MAX_FRAMES_PER_TOKEN * sentence.length,
                "durations vary between tokens: " + frames + " frames for " + sentence.length + " tokens");
        Speech shortText = speak(VitsModel.encode("hi", true));
        Speech longText = speak(VitsModel.encode("hello there, this is a much longer sentence", true));
        assertTrue(longText.waveform()[0].length > shortText.waveform()[0].length, "longer text, longer audio");
    }

    @Test
    void samplesStayWithinPlusMinusOneAndAreNotSilent() throws OrtException {
        float[] w = speak(VitsModel.encode("testing one two three", true)).waveform()[0];
        double energy = 0;
        for (float x : w) {
            assertTrue(x >= -1f && x <= 1f, "sample " + x);
            assertTrue(Float.isFinite(x));
            energy += x * x;
        }
        assertTrue(Math.sqrt(energy / w.length) > 1e-3, "not silent");
    }

    @Test
    void paddingInABatchChangesNeitherDurationsNorFrames() throws OrtException {
        long[] shortIds = VitsModel.encode("hey", true);
        long[] longIds = VitsModel.encode("good morning", true);
        Speech alone = speak(shortIds);
        long[][] ids = new long[2][longIds.length];
        long[][] mask = new long[2][longIds.length];
        System.arraycopy(shortIds, 0, ids[0], 0, shortIds.length);
        Arrays.fill(mask[0], 0, shortIds.length, 1);
        ids[1] = longIds;
        Arrays.fill(mask[1], 1);
        Speech batch = speak(ids, mask);
        int own = alone.frames();
        assertTrue(batch.frames() >= own);
        for (int ch = 0; ch < C.flowSize(); ch++) {
            for (int t = 0; t < batch.frames(); t++) {
                float expected = t < own ? alone.spectrogram()[0][ch][t] : 0f;
                assertEquals(expected, batch.spectrogram()[0][ch][t], 1e-5, "channel " + ch + " frame " + t);
            }
        }
        assertEquals(speak(longIds).frames(), batch.frames(), "the batch is as long as its longest row");
    }

    @Test
    void outputDependsOnEveryToken() throws OrtException {
        long[] ids = VitsModel.encode("speech", true);
        Speech base = speak(ids);
        for (int i = 0; i < ids.length; i++) {
            long[] changed = ids.clone();
            changed[i] = changed[i] == 5 ? 6 : 5;
            Speech other = speak(changed);
            boolean differs = other.waveform()[0].length != base.waveform()[0].length;
            for (int k = 0; !differs && k < base.waveform()[0].length; k++) {
                differs = Math.abs(other.waveform()[0][k] - base.waveform()[0][k]) > 1e-6;
            }
            assertTrue(differs, "token " + i + " matters");
        }
    }

    @Test
    void encodeFollowsVitsTokenizer() {
        assertArrayEquals(new long[] {0, 11, 0, 12, 0}, VitsModel.encode("Hi!", true));
        assertArrayEquals(new long[] {11, 12}, VitsModel.encode("Hi!", false));
        assertEquals(0, VitsModel.vocabulary().get(VitsModel.PAD));
    }

    @Test
    void writingAgainGivesTheSameBytes(@TempDir Path other) throws IOException {
        Path again = VitsModel.write(other.resolve("mms-tts-tiny"), C);
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
        assertEquals("vits", config.get("model_type").asText());
        assertEquals(16000, config.get("sampling_rate").asInt());
        assertEquals(C.hidden(), config.get("hidden_size").asInt());
        assertEquals(C.vocabSize(), config.get("vocab_size").asInt());
        assertEquals(1.0, config.get("speaking_rate").asDouble());
        assertTrue(config.has("noise_scale") && config.has("noise_scale_duration"));
        JsonNode vocab = json.readTree(folder.resolve("vocab.json").toFile());
        assertEquals(C.vocabSize(), vocab.size());
        assertEquals(11, vocab.get("h").asInt());
        JsonNode tok = json.readTree(folder.resolve("tokenizer_config.json").toFile());
        assertEquals("VitsTokenizer", tok.get("tokenizer_class").asText());
        assertTrue(tok.get("add_blank").asBoolean());
        assertTrue(tok.get("normalize").asBoolean());
        assertEquals("_", tok.get("pad_token").asText());
    }
}
