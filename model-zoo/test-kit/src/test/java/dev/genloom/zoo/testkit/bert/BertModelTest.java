package dev.genloom.zoo.testkit.bert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BertModelTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    static final BertModel.Config C = BertModel.TINY;

    @TempDir
    Path dir;

    @Test
    void theFolderHasTheExportsFilesAndSignature() throws Exception {
        Path folder = BertModel.write(dir.resolve("bert"), C);
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "1_Pooling/config.json",
                "modules.json", "onnx/model.onnx")) {
            assertTrue(Files.isRegularFile(folder.resolve(f)), f);
        }
        try (OrtSession s = ENV.createSession(folder.resolve("onnx/model.onnx").toString())) {
            Map<String, NodeInfo> in = s.getInputInfo();
            assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), List.copyOf(in.keySet()));
            for (NodeInfo n : in.values()) {
                TensorInfo t = (TensorInfo) n.getInfo();
                assertEquals(OnnxJavaType.INT64, t.type);
                assertArrayEquals(new String[] {"batch_size", "sequence_length"}, t.getDimensionNames());
            }
            TensorInfo out = (TensorInfo) s.getOutputInfo().get("last_hidden_state").getInfo();
            assertArrayEquals(new long[] {-1, -1, C.hidden()}, out.getShape());
        }
        try (OrtSession s = ENV.createSession(BertModel.model(C.withTokenTypeIds(false),
                BertModel.vocabulary().size()).toBytes())) {
            assertEquals(List.of("input_ids", "attention_mask"), List.copyOf(s.getInputInfo().keySet()));
        }
    }

    @Test
    void theTokenizerIsWordPieceAndShipsPaddingAndTruncationAsRealExportsDo() throws Exception {
        Path folder = BertModel.write(dir.resolve("bert"), C);
        List<String> vocab = BertModel.vocabulary();
        try (HuggingFaceTokenizer plain = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"),
                Map.of("padding", "false", "truncation", "false"))) {
            Encoding e = plain.encode("The CAT sat, zebra!");
            assertArrayEquals(new String[] {"[CLS]", "the", "cat", "sat", ",", "z", "##e", "##b", "##r", "##a", "!", "[SEP]"},
                    e.getTokens());
            assertEquals(vocab.indexOf("cat"), (int) e.getIds()[2]);
        }
        JsonNode json = new ObjectMapper().readTree(folder.resolve("tokenizer.json").toFile());
        assertEquals(C.shippedLength(), json.path("truncation").path("max_length").asInt());
        assertEquals(C.shippedLength(), json.path("padding").path("strategy").path("Fixed").asInt());
    }

    @Test
    void paddedRowsLeaveTheOthersUnpaddedPositionsAlone() throws Exception {
        Path folder = BertModel.write(dir.resolve("bert"), C);
        long[] shortIds = {2, 5, 18, 3};                  // [CLS] the cat [SEP]
        long[] longIds = {2, 5, 19, 20, 13, 5, 21, 3};
        try (OrtSession s = ENV.createSession(folder.resolve("onnx/model.onnx").toString())) {
            float[] alone = run(s, new long[][] {shortIds}, 4);
            float[] batched = run(s, new long[][] {shortIds, longIds}, 8);
            for (int t = 0; t < 4; t++) {
                for (int d = 0; d < C.hidden(); d++) {
                    assertEquals(alone[t * C.hidden() + d], batched[t * C.hidden() + d], 1e-5, "t " + t + " d " + d);
                }
            }
        }
    }

    static float[] run(OrtSession s, long[][] rows, int seq) throws Exception {
        long[] ids = new long[rows.length * seq];
        long[] mask = new long[rows.length * seq];
        for (int r = 0; r < rows.length; r++) {
            for (int t = 0; t < rows[r].length; t++) {
                ids[r * seq + t] = rows[r][t];
                mask[r * seq + t] = 1;
            }
        }
        long[] shape = {rows.length, seq};
        try (OnnxTensor a = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), shape);
             OnnxTensor m = OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask), shape);
             OnnxTensor t = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[ids.length]), shape);
             OrtSession.Result r = s.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t))) {
            FloatBuffer b = ((OnnxTensor) r.get("last_hidden_state").orElseThrow()).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
