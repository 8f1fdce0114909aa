package dev.genloom.plugins.gpt;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.nio.file.Path;

/**
 * The signature of a decoder-only export, read from the session's metadata and checked:
 * {@code input_ids}, {@code attention_mask}, optional {@code position_ids}, {@code past_key_values.{i}.key|value},
 * optional {@code use_cache_branch} → {@code logits}, {@code present.{i}.key|value}.
 *
 * @param file          the ONNX file
 * @param idType        element type of {@code input_ids} (and of mask and positions): INT64 or INT32
 * @param maskType      element type of {@code attention_mask}
 * @param positionIds   whether the graph takes {@code position_ids}
 * @param positionType  element type of {@code position_ids} (where it has them)
 * @param useCacheBranch whether the graph is a merged decoder with {@code use_cache_branch}
 * @param layers        number of layers (pairs of past inputs)
 * @param kvHeads       key/value heads per layer
 * @param headDim       size of one head
 * @param vocabSize     size of the last axis of {@code logits}
 * @param pastType      FLOAT or FLOAT16
 * @param logitsType    FLOAT or FLOAT16
 */
record DecoderGraph(Path file, OnnxJavaType idType, OnnxJavaType maskType, boolean positionIds,
                    OnnxJavaType positionType, boolean useCacheBranch, int layers, int kvHeads, int headDim,
                    int vocabSize, OnnxJavaType pastType, OnnxJavaType logitsType) {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String POSITION_IDS = "position_ids";
    static final String USE_CACHE_BRANCH = "use_cache_branch";
    static final String LOGITS = "logits";

    static String pastKey(int i) {
        return "past_key_values." + i + ".key";
    }

    static String pastValue(int i) {
        return "past_key_values." + i + ".value";
    }

    static String presentKey(int i) {
        return "present." + i + ".key";
    }

    static String presentValue(int i) {
        return "present." + i + ".value";
    }

    /** Reads and checks the signature; refuses a graph that does not fit with MODEL_INCOMPATIBLE. */
    static DecoderGraph read(OrtSession session, Path file, JsonNode config) {
        TensorSpec idSpec = TensorSpec.of(OnnxJavaType.INT64, OnnxJavaType.INT32).rank(2);
        TensorSpec cacheSpec = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16)
                .shape("batch", "kv_heads", "past_sequence", "head_dim");
        TensorSpec presentSpec = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).rank(4);
        Signature signature = Signature.of(session, file)
                .describedAs("the gpt family (decoder-only export)")
                .hint("a decoder-only export takes input_ids, attention_mask, [position_ids], "
                        + "past_key_values.{i}.key|value and gives logits and present.{i}.key|value "
                        + "(optimum-cli export onnx --task text-generation-with-past)")
                .requireInput(INPUT_IDS, idSpec)
                .requireInput(ATTENTION_MASK, idSpec)
                .optionalInput(POSITION_IDS, idSpec)
                .optionalInput(USE_CACHE_BRANCH, TensorSpec.of(OnnxJavaType.BOOL))
                .requireInputsMatching("past_key_values.%d.key", cacheSpec)
                .requireInputsMatching("past_key_values.%d.value", cacheSpec)
                .requireOutput(LOGITS, TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16)
                        .shape("batch", "sequence", "vocab"))
                .requireOutputsMatching("present.%d.key", presentSpec)
                .requireOutputsMatching("present.%d.value", presentSpec);
        int found = signature.foundIndexed();
        int configLayers = firstInt(config, "num_hidden_layers", "n_layer", "num_layers");
        if (found == 0 && configLayers > 0) {
            signature.expectIndexed(configLayers);
        }
        if (configLayers > 0 && found > 0 && configLayers != found) {
            signature.problem("config.json says " + configLayers + " layers, the graph has " + found
                    + " (past_key_values.{i} / present.{i})");
        }
        signature.check();
        int layers = signature.indexedCount();
        TensorInfo ids = signature.input(INPUT_IDS);
        TensorInfo mask = signature.input(ATTENTION_MASK);
        boolean hasPositions = signature.hasInput(POSITION_IDS);
        TensorInfo positions = hasPositions ? signature.input(POSITION_IDS) : null;
        TensorInfo past = signature.input(pastKey(0));
        TensorInfo logits = signature.output(LOGITS);
        long[] pastShape = past.getShape();
        int kvHeads = pastShape[1] > 0 ? (int) pastShape[1] : kvHeadsFromConfig(config);
        int headDim = pastShape[3] > 0 ? (int) pastShape[3] : headDimFromConfig(config);
        if (kvHeads <= 0 || headDim <= 0) {
            throw signature.incompatible("the past inputs do not declare kv heads and head size, and config.json "
                    + "has neither num_key_value_heads/num_attention_heads nor head_dim/hidden_size");
        }
        long[] logitsShape = logits.getShape();
        int vocab = logitsShape[2] > 0 ? (int) logitsShape[2] : firstInt(config, "vocab_size");
        if (vocab <= 0) {
            throw signature.incompatible("logits do not declare the vocabulary size and config.json has no "
                    + "vocab_size");
        }
        return new DecoderGraph(file, ids.type, mask.type, hasPositions, positions == null ? null : positions.type,
                signature.hasInput(USE_CACHE_BRANCH), layers, kvHeads, headDim, vocab, past.type, logits.type);
    }

    private static int kvHeadsFromConfig(JsonNode config) {
        int kv = firstInt(config, "num_key_value_heads");
        return kv > 0 ? kv : firstInt(config, "num_attention_heads", "n_head");
    }

    private static int headDimFromConfig(JsonNode config) {
        int d = firstInt(config, "head_dim");
        if (d > 0) {
            return d;
        }
        int hidden = firstInt(config, "hidden_size", "n_embd");
        int heads = firstInt(config, "num_attention_heads", "n_head");
        return hidden > 0 && heads > 0 ? hidden / heads : -1;
    }

    static int firstInt(JsonNode node, String... keys) {
        for (String k : keys) {
            JsonNode v = node.path(k);
            if (v.isIntegralNumber()) {
                return v.asInt();
            }
        }
        return -1;
    }
}
