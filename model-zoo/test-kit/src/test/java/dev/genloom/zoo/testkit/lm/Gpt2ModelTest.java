package dev.genloom.zoo.testkit.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2ModelTest extends DecoderFaithfulnessTest {

    @TempDir
    static Path dir;
    static Path folder;

    @BeforeAll
    static void writeFolder() {
        folder = Gpt2Model.write(dir.resolve("gpt2-tiny"), Gpt2Model.TINY);
    }

    @Override
    Path folder() {
        return folder;
    }

    @Override
    DecoderExport.Signature signature() {
        return Gpt2Model.signature(Gpt2Model.TINY);
    }

    @Override
    Path writeAgain(Path other) {
        return Gpt2Model.write(other.resolve("gpt2-tiny"), Gpt2Model.TINY);
    }

    @Override
    List<DecoderExport.Variant> variants() {
        return List.of(DecoderExport.Variant.values());
    }

    @Override
    Path writeWithoutPositionIds(Path other) {
        return Gpt2Model.write(other.resolve("gpt2-no-position-ids"), Gpt2Model.TINY,
                java.util.EnumSet.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MERGED), false);
    }

    @Test
    void configsSayWhatTheModelIs() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(folder.resolve("config.json").toFile());
        assertEquals("gpt2", config.get("model_type").asText());
        assertEquals(2, config.get("n_layer").asInt());
        assertEquals(4, config.get("n_head").asInt());
        assertEquals(32, config.get("n_embd").asInt());
        assertEquals(64, config.get("n_positions").asInt());
        assertEquals(320, config.get("vocab_size").asInt());
        assertEquals(319, config.get("eos_token_id").asInt());
        assertEquals(319, config.get("bos_token_id").asInt());
        JsonNode generation = json.readTree(folder.resolve("generation_config.json").toFile());
        assertEquals(319, generation.get("eos_token_id").asInt());
        assertEquals(319, generation.get("bos_token_id").asInt());
        assertEquals(64, generation.get("max_length").asInt());
        JsonNode tokConfig = json.readTree(folder.resolve("tokenizer_config.json").toFile());
        assertEquals("<|endoftext|>", tokConfig.get("eos_token").asText());
    }

    @Test
    void tokenizerLoadsInDjlAndRoundTrips() throws IOException {
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(folder)) {
            for (String text : List.of("Hello world!", "The quick brown fox jumps over the lazy dog.",
                    "  spaces,\ttabs\nand ünïcödé ✓ 😀", "")) {
                Encoding e = tok.encode(text);
                for (long id : e.getIds()) {
                    assertTrue(id >= 0 && id < 319, "id " + id);
                }
                assertEquals(text, tok.decode(e.getIds()), "round trip of " + text);
            }
            // merges are used: common words take fewer tokens than bytes
            assertTrue(tok.encode(" the the the").getIds().length < " the the the".length());
            Encoding eos = tok.encode("a<|endoftext|>");
            assertEquals(319L, eos.getIds()[eos.getIds().length - 1]);
            assertEquals("a", tok.decode(eos.getIds(), true));
            assertArrayEquals(new long[] {319}, tok.encode("<|endoftext|>").getIds());
        }
    }
}
