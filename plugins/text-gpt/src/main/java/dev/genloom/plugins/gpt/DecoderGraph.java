package dev.genloom.plugins.gpt;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot read the signature of " + file + ": "
                    + e.getMessage(), null, e);
        }
        int layers = 0;
        while (inputs.containsKey(pastKey(layers)) || inputs.containsKey(pastValue(layers))) {
            layers++;
        }
        int configLayers = firstInt(config, "num_hidden_layers", "n_layer", "num_layers");
        int expectLayers = layers > 0 ? layers : Math.max(configLayers, 1);

        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String name : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputs.containsKey(name)) {
                missing.add("input " + name);
            }
        }
        for (int i = 0; i < expectLayers; i++) {
            for (String name : List.of(pastKey(i), pastValue(i))) {
                if (!inputs.containsKey(name)) {
                    missing.add("input " + name);
                }
            }
            for (String name : List.of(presentKey(i), presentValue(i))) {
                if (!outputs.containsKey(name)) {
                    missing.add("output " + name);
                }
            }
        }
        if (!outputs.containsKey(LOGITS)) {
            missing.add("output " + LOGITS);
        }
        for (String name : new TreeSet<>(inputs.keySet())) {
            boolean known = name.equals(INPUT_IDS) || name.equals(ATTENTION_MASK) || name.equals(POSITION_IDS)
                    || name.equals(USE_CACHE_BRANCH) || isLayerName(name, "past_key_values.", layers);
            if (!known) {
                unexpected.add("input " + name);
            }
        }
        if (configLayers > 0 && layers > 0 && configLayers != layers) {
            missing.add("(config.json says " + configLayers + " layers, the graph has " + layers
                    + " pairs of past inputs)");
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder m = new StringBuilder(file + " does not fit the gpt family (decoder-only export):");
            if (!missing.isEmpty()) {
                m.append(" missing ").append(String.join(", ", missing)).append(';');
            }
            if (!unexpected.isEmpty()) {
                m.append(" unexpected ").append(String.join(", ", unexpected)).append(';');
            }
            m.append(" it has inputs ").append(new TreeSet<>(inputs.keySet())).append(" and outputs ")
                    .append(new TreeSet<>(outputs.keySet()));
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, m.toString(),
                    "a decoder-only export takes input_ids, attention_mask, [position_ids], "
                            + "past_key_values.{i}.key|value and gives logits and present.{i}.key|value "
                            + "(optimum-cli export onnx --task text-generation-with-past)");
        }
        TensorInfo ids = tensor(inputs, INPUT_IDS, file);
        TensorInfo mask = tensor(inputs, ATTENTION_MASK, file);
        boolean hasPositions = inputs.containsKey(POSITION_IDS);
        TensorInfo positions = hasPositions ? tensor(inputs, POSITION_IDS, file) : null;
        TensorInfo past = tensor(inputs, pastKey(0), file);
        TensorInfo logits = tensor(outputs, LOGITS, file);
        requireType(ids, INPUT_IDS, file, OnnxJavaType.INT64, OnnxJavaType.INT32);
        requireType(mask, ATTENTION_MASK, file, OnnxJavaType.INT64, OnnxJavaType.INT32);
        if (positions != null) {
            requireType(positions, POSITION_IDS, file, OnnxJavaType.INT64, OnnxJavaType.INT32);
        }
        requireType(past, pastKey(0), file, OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);
        requireType(logits, LOGITS, file, OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);
        long[] pastShape = past.getShape();
        if (pastShape.length != 4) {
            throw incompatible(file, "input " + pastKey(0) + " has rank " + pastShape.length
                    + ", expected 4 [batch, kv_heads, past_sequence, head_dim]");
        }
        int kvHeads = pastShape[1] > 0 ? (int) pastShape[1] : kvHeadsFromConfig(config);
        int headDim = pastShape[3] > 0 ? (int) pastShape[3] : headDimFromConfig(config);
        if (kvHeads <= 0 || headDim <= 0) {
            throw incompatible(file, "the past inputs do not declare kv heads and head size, and config.json has "
                    + "neither num_key_value_heads/num_attention_heads nor head_dim/hidden_size");
        }
        long[] logitsShape = logits.getShape();
        int vocab = logitsShape.length == 3 && logitsShape[2] > 0 ? (int) logitsShape[2]
                : firstInt(config, "vocab_size");
        if (vocab <= 0) {
            throw incompatible(file, "logits do not declare the vocabulary size and config.json has no vocab_size");
        }
        return new DecoderGraph(file, ids.type, mask.type, hasPositions, positions == null ? null : positions.type,
                inputs.containsKey(USE_CACHE_BRANCH), layers, kvHeads, headDim, vocab, past.type, logits.type);
    }

    private static boolean isLayerName(String name, String prefix, int layers) {
        for (int i = 0; i < layers; i++) {
            if (name.equals(prefix + i + ".key") || name.equals(prefix + i + ".value")) {
                return true;
            }
        }
        return false;
    }

    private static TensorInfo tensor(Map<String, NodeInfo> infos, String name, Path file) {
        if (infos.get(name).getInfo() instanceof TensorInfo t) {
            return t;
        }
        throw incompatible(file, name + " is not a tensor");
    }

    private static void requireType(TensorInfo t, String name, Path file, OnnxJavaType... allowed) {
        for (OnnxJavaType a : allowed) {
            if (t.type == a) {
                return;
            }
        }
        throw incompatible(file, name + " has element type " + t.type + ", expected one of "
                + java.util.Arrays.toString(allowed));
    }

    private static GenloomException incompatible(Path file, String what) {
        return new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, file + " does not fit the gpt family: " + what);
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
