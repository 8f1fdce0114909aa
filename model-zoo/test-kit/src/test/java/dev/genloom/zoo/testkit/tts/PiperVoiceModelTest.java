package dev.genloom.zoo.testkit.tts;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit's Piper voices: the two files as Piper names them, the config keys Piper reads, the
 * ONNX signature ({@code input}, {@code input_lengths}, {@code scales}, {@code sid} only when
 * multi-speaker, {@code output [1, 1, samples]}), samples a multiple of the hop within the
 * bounds the duration predictor allows, length_scale stretching the output, speakers differing.
 */
class PiperVoiceModelTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    static final String VOICE = "en_US-test-x_low";

    static OrtSession open(Path file) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            return ENV.createSession(file.toString(), o);
        }
    }

    static float[] speak(OrtSession s, long[] ids, float lengthScale, Long sid) throws OrtException {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            in.put("input", OnnxTensor.createTensor(ENV, new long[][] {ids}));
            in.put("input_lengths", OnnxTensor.createTensor(ENV, new long[] {ids.length}));
            in.put("scales", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {0.667f, lengthScale, 0.8f}), new long[] {3}));
            if (sid != null) {
                in.put("sid", OnnxTensor.createTensor(ENV, new long[] {sid}));
            }
            try (OrtSession.Result r = s.run(in)) {
                float[][][] out = (float[][][]) r.get("output").orElseThrow().getValue();
                assertEquals(1, out.length);
                assertEquals(1, out[0].length);
                return out[0][0];
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    static void assertTensor(NodeInfo info, OnnxJavaType type, long... shape) {
        TensorInfo t = (TensorInfo) info.getInfo();
        assertEquals(type, t.type, info.getName());
        assertEquals(shape.length, t.getShape().length, info.getName());
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > 0) {
                assertEquals(shape[i], t.getShape()[i], info.getName() + " dim " + i);
            }
        }
    }

    @Test
    void theSingleSpeakerVoiceHasPipersFilesAndSignature(@TempDir Path dir) throws Exception {
        PiperVoiceModel.Config c = PiperVoiceModel.TINY;
        Path folder = PiperVoiceModel.write(dir.resolve("v"), VOICE, c);
        assertTrue(Files.isRegularFile(folder.resolve(VOICE + ".onnx")));
        JsonNode json = new ObjectMapper().readTree(folder.resolve(VOICE + ".onnx.json").toFile());
        assertEquals(PiperVoiceModel.SAMPLE_RATE, json.path("audio").path("sample_rate").asInt());
        assertEquals("en-us", json.path("espeak").path("voice").asText());
        assertEquals("espeak", json.path("phoneme_type").asText());
        assertEquals(0.667, json.path("inference").path("noise_scale").asDouble(), 1e-9);
        assertEquals(1.0, json.path("inference").path("length_scale").asDouble(), 1e-9);
        assertEquals(0.8, json.path("inference").path("noise_w").asDouble(), 1e-9);
        assertEquals(1, json.path("num_speakers").asInt());
        assertEquals(0, json.path("speaker_id_map").size());
        JsonNode map = json.path("phoneme_id_map");
        assertEquals(0, map.path("_").get(0).asInt());
        assertEquals(1, map.path("^").get(0).asInt());
        assertEquals(2, map.path("$").get(0).asInt());
        assertTrue(map.has("ˈ") && map.has("ə") && map.has(" ") && map.has(","));
        assertEquals(json.path("num_symbols").asInt(), map.size());
        Set<Integer> ids = new HashSet<>();
        map.forEach(v -> ids.add(v.get(0).asInt()));
        assertEquals(map.size(), ids.size(), "one id per symbol");

        try (OrtSession s = open(folder.resolve(VOICE + ".onnx"))) {
            assertEquals(List.of("input", "input_lengths", "scales"), List.copyOf(s.getInputNames()));
            assertTensor(s.getInputInfo().get("input"), OnnxJavaType.INT64, 1, -1);
            assertTensor(s.getInputInfo().get("input_lengths"), OnnxJavaType.INT64, 1);
            assertTensor(s.getInputInfo().get("scales"), OnnxJavaType.FLOAT, 3);
            assertTensor(s.getOutputInfo().get("output"), OnnxJavaType.FLOAT, 1, 1, -1);

            long[] phonemes = {1, 0, 20, 0, 59, 0, 24, 0, 2};
            float[] once = speak(s, phonemes, 1f, null);
            int hop = c.hop();
            assertEquals(0, once.length % hop);
            int frames = once.length / hop;
            assertEquals(PiperVoiceModel.MIN_FRAMES, (int) Math.ceil(Math.exp(PiperVoiceModel.LOG_DURATION_MID - PiperVoiceModel.LOG_DURATION_SPREAD)));
            assertEquals(PiperVoiceModel.MAX_FRAMES, (int) Math.ceil(Math.exp(PiperVoiceModel.LOG_DURATION_MID + PiperVoiceModel.LOG_DURATION_SPREAD)));
            assertTrue(frames >= PiperVoiceModel.MIN_FRAMES * phonemes.length && frames <= PiperVoiceModel.MAX_FRAMES * phonemes.length,
                    frames + " frames");
            assertArrayEquals(once, speak(s, phonemes, 1f, null), "deterministic");
            for (float v : once) {
                assertTrue(v >= -1 && v <= 1);
            }
            // ceil(2x) lies in [2 ceil(x) - 1, 2 ceil(x)] for each phoneme
            float[] slow = speak(s, phonemes, 2f, null);
            int slowFrames = slow.length / hop;
            assertTrue(slowFrames >= 2 * frames - phonemes.length && slowFrames <= 2 * frames,
                    frames + " frames at length_scale 1, " + slowFrames + " at 2");
            assertTrue(slowFrames > frames);
        }
    }

    @Test
    void theMultiSpeakerVoiceTakesASpeakerId(@TempDir Path dir) throws Exception {
        PiperVoiceModel.Config c = PiperVoiceModel.TINY_MULTI;
        Path folder = PiperVoiceModel.write(dir.resolve("m"), VOICE, c);
        JsonNode json = new ObjectMapper().readTree(folder.resolve(VOICE + ".onnx.json").toFile());
        assertEquals(3, json.path("num_speakers").asInt());
        assertEquals(2, json.path("speaker_id_map").path("speaker_2").asInt());
        try (OrtSession s = open(folder.resolve(VOICE + ".onnx"))) {
            assertEquals(List.of("input", "input_lengths", "scales", "sid"), List.copyOf(s.getInputNames()));
            assertTensor(s.getInputInfo().get("sid"), OnnxJavaType.INT64, 1);
            long[] phonemes = {1, 0, 20, 0, 59, 0, 2};
            float[] a = speak(s, phonemes, 1f, 0L);
            float[] b = speak(s, phonemes, 1f, 2L);
            assertFalse(Arrays.equals(a, b), "speakers 0 and 2 sound alike");
        }
    }
}
