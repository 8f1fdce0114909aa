package dev.genloom.zoo.testkit.lm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.genloom.zoo.onnx.Attribute;

/**
 * A GPT-2 style model folder as Transformers.js / Optimum export it, with seeded random weights:
 *
 * <pre>
 * config.json              model_type gpt2, n_layer, n_head, n_embd, n_positions, vocab_size, ...
 * generation_config.json   bos_token_id, eos_token_id, max_length
 * tokenizer.json           byte-level BPE ({@link ByteLevelBpe}), &lt;|endoftext|&gt; = eos = vocab_size - 1
 * tokenizer_config.json
 * onnx/model.onnx                      fp32, signature of {@link DecoderExport}
 * onnx/model_fp16.onnx                 fp16 weights, past, present and logits
 * onnx/decoder_model_merged.onnx       fp32, If on use_cache_branch
 * onnx/decoder_model_merged_fp16.onnx
 * onnx/model_quantized.onnx            fp32 IO, uint8 MatMul weights dequantized in the graph (QDQ)
 * </pre>
 *
 * The network is GPT-2's: token plus learned position embeddings (from {@code position_ids}),
 * pre-norm blocks of LayerNorm, multi-head attention with biases and a KV cache, LayerNorm and
 * a {@code gelu_new} MLP of width {@code 4 * n_embd}, a final LayerNorm, and logits through the
 * token embedding (tied weights).
 */
public final class Gpt2Model {

    public static final String MODEL_TYPE = "gpt2";
    public static final String EOS = "<|endoftext|>";
    /** Merges of the kit's tokenizer: byte tokens 0-255, merged tokens 256-318. */
    public static final int MERGES = 63;

    /** Sizes and seed. {@code vocabSize} must leave room for the tokenizer (at least 320). */
    public record Config(int layers, int heads, int hidden, int positions, int vocabSize, long seed) {
        public Config {
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("n_embd " + hidden + " is not a multiple of n_head " + heads);
            }
            if (vocabSize < 256 + MERGES + 1) {
                throw new IllegalArgumentException("vocab_size must be at least " + (256 + MERGES + 1));
            }
        }

        public int headDim() {
            return hidden / heads;
        }

        /** {@code <|endoftext|>}: bos, eos and the last id, as in GPT-2. */
        public int eosTokenId() {
            return vocabSize - 1;
        }
    }

    /** The test kit's tiny GPT-2: 2 layers, 4 heads of 8, hidden 32, 64 positions, 320 tokens. */
    public static final Config TINY = new Config(2, 4, 32, 64, 256 + MERGES + 1, 42);
    /** GPT-2 small (124M parameters) sizes, for benchmarks. */
    public static final Config GPT2_124M = new Config(12, 12, 768, 1024, 50257, 42);

    private Gpt2Model() {
    }

    /** Writes a folder with every variant. */
    public static Path write(Path folder, Config config) {
        return write(folder, config, EnumSet.allOf(DecoderExport.Variant.class));
    }

    /** Writes the JSON files and the given model variants into {@code folder}. */
    public static Path write(Path folder, Config config, Set<DecoderExport.Variant> variants) {
        return write(folder, config, variants, true);
    }

    /**
     * Writes the JSON files and the given model variants into {@code folder}; without
     * {@code positionIds} the models take no {@code position_ids} input and derive the positions
     * from {@code attention_mask} ({@link DecoderExport#build(String, DecoderExport.Signature,
     * DecoderExport.Body, long, DecoderExport.Variant, boolean)}).
     */
    public static Path write(Path folder, Config config, Set<DecoderExport.Variant> variants, boolean positionIds) {
        ByteLevelBpe tokenizer = tokenizer(config);
        return DecoderExport.writeFolder(folder, config(config), generationConfig(config), tokenizer,
                tokenizerConfig(config, tokenizer), variants, v -> model(config, v, positionIds));
    }

    public static DecoderExport.Signature signature(Config c) {
        return new DecoderExport.Signature(c.layers(), c.heads(), c.headDim(), c.vocabSize());
    }

    /** The ONNX model of one variant. */
    public static OnnxModel model(Config c, DecoderExport.Variant variant) {
        return model(c, variant, true);
    }

    /** The ONNX model of one variant, with or without a {@code position_ids} input. */
    public static OnnxModel model(Config c, DecoderExport.Variant variant, boolean positionIds) {
        return DecoderExport.build("gpt2", signature(c), (b, in) -> body(b, in, c), c.seed(), variant, positionIds);
    }

    static DecoderExport.Outputs body(Blocks b, DecoderExport.Inputs in, Config c) {
        String wte = b.embeddingTable("transformer.wte", c.vocabSize(), c.hidden());
        String tokens = b.op("Gather", List.of(wte, in.inputIds()), Attribute.of("axis", 0));
        String positions = b.positionEmbedding(in.positionIds(), "transformer.wpe", c.positions(), c.hidden());
        String h = b.add(tokens, positions);
        String mask = b.causalMask(in.inputIds(), in.attentionMask());
        Blocks.Attention spec = new Blocks.Attention(c.hidden(), c.heads(), c.heads(), c.headDim(), true, "c_proj");
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String layer = "transformer.h." + i;
            String a = b.layerNorm(h, layer + ".ln_1", c.hidden(), 1e-5);
            Blocks.AttentionOutput att = b.attention(a, spec, layer + ".attn", in.pastKey(i), in.pastValue(i), mask, null);
            keys.add(att.presentKey());
            values.add(att.presentValue());
            h = b.add(h, att.output());
            String m = b.layerNorm(h, layer + ".ln_2", c.hidden(), 1e-5);
            m = b.linear(m, layer + ".mlp.c_fc", c.hidden(), 4L * c.hidden(), true);
            m = b.linear(b.geluTanh(m), layer + ".mlp.c_proj", 4L * c.hidden(), c.hidden(), true);
            h = b.add(h, m);
        }
        h = b.layerNorm(h, "transformer.ln_f", c.hidden(), 1e-5);
        return new DecoderExport.Outputs(b.tiedHead(h, wte), keys, values);
    }

    public static ByteLevelBpe tokenizer(Config c) {
        return new ByteLevelBpe(MERGES, Map.of(EOS, c.eosTokenId()), null);
    }

    static ObjectNode config(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", MODEL_TYPE);
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("activation_function", "gelu_new");
        o.put("n_layer", c.layers());
        o.put("n_head", c.heads());
        o.put("n_embd", c.hidden());
        o.put("n_positions", c.positions());
        o.put("n_ctx", c.positions());
        o.putNull("n_inner");
        o.put("vocab_size", c.vocabSize());
        o.put("bos_token_id", c.eosTokenId());
        o.put("eos_token_id", c.eosTokenId());
        o.put("layer_norm_epsilon", 1e-5);
        o.put("tie_word_embeddings", true);
        o.put("use_cache", true);
        o.putObject("transformers.js_config").putObject("kv_cache_dtype").put("fp16", "float16");
        return o;
    }

    static ObjectNode generationConfig(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("bos_token_id", c.eosTokenId());
        o.put("eos_token_id", c.eosTokenId());
        o.put("max_length", c.positions());
        o.put("do_sample", false);
        return o;
    }

    static ObjectNode tokenizerConfig(Config c, ByteLevelBpe tokenizer) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("add_prefix_space", false);
        o.set("added_tokens_decoder", tokenizer.addedTokensDecoder());
        o.put("bos_token", EOS);
        o.put("eos_token", EOS);
        o.put("unk_token", EOS);
        o.put("clean_up_tokenization_spaces", false);
        o.put("model_max_length", c.positions());
        o.put("tokenizer_class", "GPT2Tokenizer");
        return o;
    }
}
