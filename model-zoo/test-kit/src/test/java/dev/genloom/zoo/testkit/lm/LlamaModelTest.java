package dev.genloom.zoo.testkit.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaModelTest extends DecoderFaithfulnessTest {

    @TempDir
    static Path dir;
    static Path folder;

    @BeforeAll
    static void writeFolder() {
        folder = LlamaModel.write(dir.resolve("llama-tiny"), LlamaModel.TINY);
    }

    @Override
    Path folder() {
        return folder;
    }

    @Override
    DecoderExport.Signature signature() {
        return LlamaModel.signature(LlamaModel.TINY);
    }

    @Override
    Path writeAgain(Path other) {
        return LlamaModel.write(other.resolve("llama-tiny"), LlamaModel.TINY);
    }

    @Override
    List<DecoderExport.Variant> variants() {
        return List.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MODEL_FP16, DecoderExport.Variant.MODEL_QUANTIZED);
    }

    @Override
    Path writeWithoutPositionIds(Path other) {
        return LlamaModel.write(other.resolve("llama-no-position-ids"), LlamaModel.TINY,
                java.util.EnumSet.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MERGED), false);
    }

    @Test
    void onlyTheDefaultVariantsAreWritten() {
        assertTrue(Files.isRegularFile(folder.resolve("onnx/model.onnx")));
        assertTrue(Files.isRegularFile(folder.resolve("onnx/model_fp16.onnx")));
        assertTrue(Files.isRegularFile(folder.resolve("onnx/model_quantized.onnx")));
        assertTrue(Files.notExists(folder.resolve("onnx/decoder_model_merged.onnx")));
    }

    @Test
    void groupedQueryAttentionMergedDecoderMatchesToo(@TempDir Path other) throws Exception {
        Path merged = LlamaModel.write(other.resolve("llama"), LlamaModel.TINY,
                java.util.EnumSet.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MERGED));
        assertArrayEquals(Files.readAllBytes(folder.resolve("onnx/model.onnx")), Files.readAllBytes(merged.resolve("onnx/model.onnx")));
        long[] all = concat(PROMPT, NEXT);
        try (Decoder plain = new Decoder(merged.resolve("onnx/model.onnx"), signature());
             Decoder m = new Decoder(merged.resolve("onnx/decoder_model_merged.onnx"), signature())) {
            float[] full = plain.full(all);
            try (Decoder.State s = m.start(1)) {
                float[] prefill = s.step(new long[][] {PROMPT}, new long[][] {Decoder.ones(PROMPT.length)},
                        new long[][] {Decoder.range(0, PROMPT.length)}, false);
                assertClose(plain.at(full, all.length, 0, PROMPT.length - 1), m.at(prefill, PROMPT.length, 0, PROMPT.length - 1),
                        FP32_TOLERANCE, "no-cache branch");
                float[] step = s.step(new long[][] {{NEXT[0]}}, new long[][] {Decoder.ones(PROMPT.length + 1)},
                        new long[][] {{PROMPT.length}}, true);
                assertClose(plain.at(full, all.length, 0, PROMPT.length), m.at(step, 1, 0, 0), FP32_TOLERANCE, "cache branch");
            }
        }
    }

    @Test
    void positionIdsDriveTheRotaryEmbedding() throws Exception {
        try (Decoder d = open(DecoderExport.Variant.MODEL)) {
            long[] ids = {5, 17, 250};
            float[] a = d.full(new long[][] {ids}, new long[][] {Decoder.ones(3)}, new long[][] {{0, 1, 2}});
            float[] b = d.full(new long[][] {ids}, new long[][] {Decoder.ones(3)}, new long[][] {{0, 1, 5}});
            assertClose(d.at(a, 3, 0, 0), d.at(b, 3, 0, 0), FP32_TOLERANCE, "position 0 unchanged");
            assertTrue(maxDiff(d.at(a, 3, 0, 2), d.at(b, 3, 0, 2)) > 1e-3f, "moved position changes the logits");
        }
    }

    @Test
    void configsSayWhatTheModelIs() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(folder.resolve("config.json").toFile());
        assertEquals("llama", config.get("model_type").asText());
        assertEquals(4, config.get("num_attention_heads").asInt());
        assertEquals(2, config.get("num_key_value_heads").asInt());
        assertEquals(32, config.get("hidden_size").asInt());
        assertEquals(64, config.get("intermediate_size").asInt());
        assertEquals(500000.0, config.get("rope_theta").asDouble());
        assertEquals(1e-5, config.get("rms_norm_eps").asDouble());
        assertEquals(128, config.get("max_position_embeddings").asInt());
        assertEquals(324, config.get("vocab_size").asInt());
        JsonNode generation = json.readTree(folder.resolve("generation_config.json").toFile());
        assertTrue(generation.get("eos_token_id").isArray());
        assertEquals(320, generation.get("eos_token_id").get(0).asInt());
        assertEquals(323, generation.get("eos_token_id").get(1).asInt());
        assertEquals(319, generation.get("bos_token_id").asInt());
        JsonNode tokConfig = json.readTree(folder.resolve("tokenizer_config.json").toFile());
        String template = tokConfig.get("chat_template").asText();
        assertTrue(template.contains("for message in messages") && template.contains("add_generation_prompt"));
        assertEquals("<|eot_id|>", tokConfig.get("eos_token").asText());
        assertEquals("<|begin_of_text|>", tokConfig.get("bos_token").asText());
    }

    @Test
    void tokenizerAddsBosAndRoundTrips() throws IOException {
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(folder)) {
            for (String text : List.of("Hello world!", "Once upon a time, ünïcödé 😀")) {
                Encoding e = tok.encode(text);
                assertEquals(319L, e.getIds()[0], "begin_of_text first");
                assertEquals(text, tok.decode(e.getIds(), true));
            }
            long[] chat = tok.encode("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>").getIds();
            assertEquals(321L, chat[1]);
            assertEquals(323L, chat[chat.length - 1]);
        }
    }
}
