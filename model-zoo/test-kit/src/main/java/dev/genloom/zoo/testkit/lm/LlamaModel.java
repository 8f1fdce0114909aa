package dev.genloom.zoo.testkit.lm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Llama style model folder as onnx-community / Optimum export it, with seeded random weights:
 *
 * <pre>
 * config.json              model_type llama, num_attention_heads, num_key_value_heads, hidden_size, ...
 * generation_config.json   bos_token_id, eos_token_id as a LIST (end_of_text, eot_id)
 * tokenizer.json           byte-level BPE (Llama 3 style special tokens, bos added by the post-processor)
 * tokenizer_config.json    with a chat_template
 * onnx/model.onnx          fp32, signature of {@link DecoderExport} with num_key_value_heads KV heads
 * onnx/model_fp16.onnx     fp16 weights, past, present and logits
 * onnx/model_quantized.onnx  fp32 IO, uint8 MatMul weights dequantized in the graph (QDQ)
 * </pre>
 *
 * The network is Llama's: token embeddings, pre-norm blocks of RMSNorm, grouped-query attention
 * (no biases) with rotary positions computed from {@code position_ids}, RMSNorm and a SiLU-gated
 * MLP, a final RMSNorm and an untied {@code lm_head}.
 */
public final class LlamaModel {

    public static final String MODEL_TYPE = "llama";
    public static final String BOS = "<|begin_of_text|>";
    public static final String END_OF_TEXT = "<|end_of_text|>";
    public static final String START_HEADER = "<|start_header_id|>";
    public static final String END_HEADER = "<|end_header_id|>";
    public static final String EOT = "<|eot_id|>";
    /** Merges of the kit's tokenizer: byte tokens 0-255, merged tokens 256-318, specials 319-323. */
    public static final int MERGES = 63;

    /** A small Llama 3 style chat template. */
    public static final String CHAT_TEMPLATE = "{{ bos_token }}"
            + "{% for message in messages %}"
            + "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    /** Sizes and seed. {@code vocabSize} must leave room for the tokenizer (at least 324). */
    public record Config(int layers, int heads, int kvHeads, int hidden, int intermediate, int maxPositions,
                         int vocabSize, double ropeTheta, double rmsNormEps, long seed) {
        public Config {
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
            }
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("num_attention_heads must be a multiple of num_key_value_heads");
            }
            if (vocabSize < 256 + MERGES + 5) {
                throw new IllegalArgumentException("vocab_size must be at least " + (256 + MERGES + 5));
            }
        }

        public int headDim() {
            return hidden / heads;
        }

        /** Special tokens take the last five ids. */
        public int bosTokenId() {
            return vocabSize - 5;
        }

        public int endOfTextId() {
            return vocabSize - 4;
        }

        public int eotId() {
            return vocabSize - 1;
        }
    }

    /** The test kit's tiny Llama: 2 layers, 4 heads and 2 KV heads of 8, hidden 32, MLP 64, 324 tokens. */
    public static final Config TINY = new Config(2, 4, 2, 32, 64, 128, 256 + MERGES + 5, 500000.0, 1e-5, 7);

    /** Variants a Llama folder holds by default (onnx-community layouts have no merged decoder). */
    public static final Set<DecoderExport.Variant> DEFAULT_VARIANTS =
            EnumSet.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MODEL_FP16, DecoderExport.Variant.MODEL_QUANTIZED);

    private LlamaModel() {
    }

    /** Writes a folder with {@link #DEFAULT_VARIANTS}. */
    public static Path write(Path folder, Config config) {
        return write(folder, config, DEFAULT_VARIANTS);
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
        return new DecoderExport.Signature(c.layers(), c.kvHeads(), c.headDim(), c.vocabSize());
    }

    /** The ONNX model of one variant. */
    public static OnnxModel model(Config c, DecoderExport.Variant variant) {
        return model(c, variant, true);
    }

    /** The ONNX model of one variant, with or without a {@code position_ids} input. */
    public static OnnxModel model(Config c, DecoderExport.Variant variant, boolean positionIds) {
        return DecoderExport.build("llama", signature(c), (b, in) -> body(b, in, c), c.seed(), variant, positionIds);
    }

    static DecoderExport.Outputs body(Blocks b, DecoderExport.Inputs in, Config c) {
        String h = b.embedding(in.inputIds(), "model.embed_tokens", c.vocabSize(), c.hidden());
        String mask = b.causalMask(in.inputIds(), in.attentionMask());
        Blocks.Rotary rope = b.rotary(in.positionIds(), c.headDim(), c.ropeTheta());
        Blocks.Attention spec = new Blocks.Attention(c.hidden(), c.heads(), c.kvHeads(), c.headDim(), false, "o_proj");
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String layer = "model.layers." + i;
            String a = b.rmsNorm(h, layer + ".input_layernorm", c.hidden(), c.rmsNormEps());
            Blocks.AttentionOutput att = b.attention(a, spec, layer + ".self_attn", in.pastKey(i), in.pastValue(i), mask, rope);
            keys.add(att.presentKey());
            values.add(att.presentValue());
            h = b.add(h, att.output());
            String m = b.rmsNorm(h, layer + ".post_attention_layernorm", c.hidden(), c.rmsNormEps());
            h = b.add(h, b.gatedMlp(m, layer + ".mlp", c.hidden(), c.intermediate()));
        }
        h = b.rmsNorm(h, "model.norm", c.hidden(), c.rmsNormEps());
        return new DecoderExport.Outputs(b.linear(h, "lm_head", c.hidden(), c.vocabSize(), false), keys, values);
    }

    public static ByteLevelBpe tokenizer(Config c) {
        Map<String, Integer> specials = new LinkedHashMap<>();
        specials.put(BOS, c.bosTokenId());
        specials.put(END_OF_TEXT, c.endOfTextId());
        specials.put(START_HEADER, c.vocabSize() - 3);
        specials.put(END_HEADER, c.vocabSize() - 2);
        specials.put(EOT, c.eotId());
        return new ByteLevelBpe(MERGES, specials, BOS);
    }

    static ObjectNode config(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", MODEL_TYPE);
        o.putArray("architectures").add("LlamaForCausalLM");
        o.put("hidden_act", "silu");
        o.put("hidden_size", c.hidden());
        o.put("intermediate_size", c.intermediate());
        o.put("num_hidden_layers", c.layers());
        o.put("num_attention_heads", c.heads());
        o.put("num_key_value_heads", c.kvHeads());
        o.put("head_dim", c.headDim());
        o.put("max_position_embeddings", c.maxPositions());
        o.put("rope_theta", c.ropeTheta());
        o.putNull("rope_scaling");
        o.put("rms_norm_eps", c.rmsNormEps());
        o.put("vocab_size", c.vocabSize());
        o.put("bos_token_id", c.bosTokenId());
        o.putArray("eos_token_id").add(c.endOfTextId()).add(c.eotId());
        o.put("tie_word_embeddings", false);
        o.put("attention_bias", false);
        o.put("mlp_bias", false);
        o.put("use_cache", true);
        o.putObject("transformers.js_config").putObject("kv_cache_dtype").put("fp16", "float16");
        return o;
    }

    static ObjectNode generationConfig(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("bos_token_id", c.bosTokenId());
        o.putArray("eos_token_id").add(c.endOfTextId()).add(c.eotId());
        o.put("do_sample", true);
        o.put("temperature", 0.6);
        o.put("top_p", 0.9);
        o.put("max_length", c.maxPositions());
        return o;
    }

    static ObjectNode tokenizerConfig(Config c, ByteLevelBpe tokenizer) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("added_tokens_decoder", tokenizer.addedTokensDecoder());
        o.put("bos_token", BOS);
        o.put("eos_token", EOT);
        o.put("chat_template", CHAT_TEMPLATE);
        o.put("clean_up_tokenization_spaces", true);
        o.put("model_max_length", c.maxPositions());
        o.put("tokenizer_class", "PreTrainedTokenizerFast");
        return o;
    }
}
