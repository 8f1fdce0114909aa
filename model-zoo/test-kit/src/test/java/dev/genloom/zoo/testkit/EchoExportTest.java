package dev.genloom.zoo.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EchoExportTest {

    @TempDir
    static Path dir;
    static Path folder;

    @BeforeAll
    static void writeFolder() {
        folder = EchoExport.write(dir.resolve("echo-tiny"));
    }

    @Test
    void layoutAndConfig() throws IOException {
        for (String file : List.of("config.json", "tokenizer.json", "onnx/model.onnx", "onnx/model_quantized.onnx")) {
            Path p = folder.resolve(file);
            assertTrue(Files.isRegularFile(p), file);
            assertTrue(Files.size(p) < 100_000, file + " is tiny");
        }
        JsonNode config = new ObjectMapper().readTree(folder.resolve("config.json").toFile());
        assertEquals("genloom-echo", config.get("model_type").asText());
        assertEquals(1, config.get("hidden_size").asInt());
        assertEquals(2, config.size());
    }

    @Test
    void modelAndQuantizedVariantDifferOnlyInTheFactor() throws OrtException {
        assertArrayEquals(new float[] {1.5f, -2f, 0f}, echo("model.onnx", 1.5f, -2f, 0f));
        assertArrayEquals(new float[] {3f, -4f, 0f}, echo("model_quantized.onnx", 1.5f, -2f, 0f));
        assertArrayEquals(new float[0], echo("model.onnx"));
    }

    @Test
    void signatureHasADynamicAxisN() throws OrtException {
        for (String file : List.of("model.onnx", "model_quantized.onnx")) {
            try (OrtSession s = OrtEnvironment.getEnvironment().createSession(folder.resolve("onnx").resolve(file).toString())) {
                TensorInfo x = (TensorInfo) s.getInputInfo().get("x").getInfo();
                TensorInfo y = (TensorInfo) s.getOutputInfo().get("y").getInfo();
                assertEquals(1, s.getNumInputs());
                assertEquals(1, s.getNumOutputs());
                for (TensorInfo info : List.of(x, y)) {
                    assertEquals(TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, info.onnxType);
                    assertArrayEquals(new long[] {-1}, info.getShape());
                    assertArrayEquals(new String[] {"n"}, info.getDimensionNames());
                }
            }
        }
    }

    private static float[] echo(String file, float... x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(folder.resolve("onnx").resolve(file).toString());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {x.length});
             OrtSession.Result r = s.run(Map.of("x", in))) {
            FloatBuffer y = ((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer();
            float[] out = new float[y.remaining()];
            y.get(out);
            return out;
        }
    }

    @Test
    void tokenizerLoadsInDjlAndRoundTrips() throws IOException {
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"))) {
            Encoding e = tok.encode("Hello world");
            assertArrayEquals(new long[] {1, 2}, e.getIds());
            assertArrayEquals(new String[] {"hello", "world"}, e.getTokens());
            assertEquals("hello world", tok.decode(e.getIds()));

            Encoding fox = tok.encode("The QUICK brown fox jumps over the lazy dog");
            assertArrayEquals(new long[] {3, 14, 15, 16, 17, 18, 3, 19, 20}, fox.getIds());
            assertEquals("the quick brown fox jumps over the lazy dog", tok.decode(fox.getIds()));

            // unknown words and punctuation become [UNK] (id 0), a special token
            Encoding unknown = tok.encode("Hello, zebra!");
            assertArrayEquals(new long[] {1, 0, 0, 0}, unknown.getIds());
            assertEquals("hello [UNK] [UNK] [UNK]", tok.decode(unknown.getIds()));
            assertEquals("hello", tok.decode(unknown.getIds(), true));
        }
        // the same from the folder, as plugins load it
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(folder)) {
            assertArrayEquals(new long[] {11, 12}, tok.encode("echo test").getIds());
        }
    }

    @Test
    void vocabularyIsWhatTheTokenizerFileSays() throws IOException {
        JsonNode vocab = new ObjectMapper().readTree(folder.resolve("tokenizer.json").toFile()).path("model").path("vocab");
        assertEquals(EchoExport.VOCABULARY.size(), vocab.size());
        for (int id = 0; id < EchoExport.VOCABULARY.size(); id++) {
            assertEquals(id, vocab.get(EchoExport.VOCABULARY.get(id)).asInt());
        }
        assertEquals(0, vocab.get("[UNK]").asInt());
    }

    @Test
    void writingAgainGivesTheSameBytes(@TempDir Path other) throws IOException {
        Path again = EchoExport.write(other.resolve("echo-tiny"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).map(folder::relativize).sorted().toList();
        }
        assertEquals(4, files.size());
        for (Path rel : files) {
            assertArrayEquals(Files.readAllBytes(folder.resolve(rel)), Files.readAllBytes(again.resolve(rel)), rel.toString());
        }
    }
}
