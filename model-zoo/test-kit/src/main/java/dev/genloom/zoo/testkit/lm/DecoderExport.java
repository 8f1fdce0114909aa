package dev.genloom.zoo.testkit.lm;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The ONNX signature of a decoder-only language model as Optimum / Transformers.js export it,
 * wrapped around a family's {@link Body}:
 *
 * <pre>
 * inputs   input_ids               int64 [batch_size, sequence_length]
 *          attention_mask          int64 [batch_size, past_sequence_length + sequence_length]
 *          position_ids            int64 [batch_size, sequence_length]
 *          past_key_values.{i}.key float [batch_size, kv_heads, past_sequence_length, head_dim]
 *          past_key_values.{i}.value   (same)
 *          use_cache_branch        bool  [1]                    (merged decoders only)
 * outputs  logits                  float [batch_size, sequence_length, vocab_size]
 *          present.{i}.key         float [batch_size, kv_heads, past_sequence_length + sequence_length, head_dim]
 *          present.{i}.value           (same)
 * </pre>
 *
 * The dim names are Optimum's (its {@code present} / {@code attention_mask} axis is literally
 * named {@code "past_sequence_length + sequence_length"}). On the first step the past is empty:
 * {@code past_sequence_length = 0}.
 *
 * <p>{@link Variant#MERGED} is Optimum's merged decoder: one {@code If} on
 * {@code use_cache_branch} whose {@code then_branch} runs with the past and whose
 * {@code else_branch} ignores the past inputs; both read the same weights, initializers of the
 * top-level graph.
 *
 * <p>fp16 variants store the weights as float16 and declare {@code past_key_values.*},
 * {@code present.*} and {@code logits} as float16, as fp16 exports do whose
 * {@code transformers.js_config.kv_cache_dtype} says {@code "float16"} (Optimum's
 * {@code --dtype fp16}, onnx-community's fp16 files). Inside, the graph casts to float32 and
 * computes in float32, so it runs on ONNX Runtime's CPU kernels (a real fp16 export computes
 * most ops in float16; only the signature and the stored weights are imitated here).
 */
public final class DecoderExport {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String POSITION_IDS = "position_ids";
    public static final String USE_CACHE_BRANCH = "use_cache_branch";
    public static final String LOGITS = "logits";

    public static final String BATCH = "batch_size";
    public static final String SEQUENCE = "sequence_length";
    public static final String PAST_SEQUENCE = "past_sequence_length";
    public static final String TOTAL_SEQUENCE = "past_sequence_length + sequence_length";

    /** The model files a family can write, with their file names under {@code onnx/}. */
    public enum Variant {
        MODEL("model.onnx", false, ElementType.FLOAT, false),
        MODEL_FP16("model_fp16.onnx", false, ElementType.FLOAT16, false),
        MERGED("decoder_model_merged.onnx", true, ElementType.FLOAT, false),
        MERGED_FP16("decoder_model_merged_fp16.onnx", true, ElementType.FLOAT16, false),
        /** float32 IO, MatMul weights stored as uint8 and dequantized in the graph ({@link Weights#quantized}). */
        MODEL_QUANTIZED("model_quantized.onnx", false, ElementType.FLOAT, true);

        private final String fileName;
        private final boolean merged;
        private final ElementType elementType;
        private final boolean quantized;

        Variant(String fileName, boolean merged, ElementType elementType, boolean quantized) {
            this.fileName = fileName;
            this.merged = merged;
            this.elementType = elementType;
            this.quantized = quantized;
        }

        /** Whether the MatMul weights are stored as uint8 with a {@code DequantizeLinear} each. */
        public boolean quantized() {
            return quantized;
        }

        public String fileName() {
            return fileName;
        }

        public boolean merged() {
            return merged;
        }

        /** Element type of the weights, past, present and logits. */
        public ElementType elementType() {
            return elementType;
        }
    }

    /** Sizes that appear in the signature. */
    public record Signature(int layers, int kvHeads, int headDim, int vocabSize) {
    }

    /**
     * Values a body reads. {@code pastKeys}/{@code pastValues} are float32 and empty when the
     * body is built without a past (the no-cache branch of a merged decoder).
     */
    public record Inputs(String inputIds, String attentionMask, String positionIds,
                         List<String> pastKeys, List<String> pastValues) {
        public boolean hasPast() {
            return !pastKeys.isEmpty();
        }

        public String pastKey(int layer) {
            return hasPast() ? pastKeys.get(layer) : null;
        }

        public String pastValue(int layer) {
            return hasPast() ? pastValues.get(layer) : null;
        }
    }

    /** Values a body produces, all float32: logits and one present key/value per layer. */
    public record Outputs(String logits, List<String> presentKeys, List<String> presentValues) {
    }

    /** A family's decoder: builds the computation from the inputs with the given blocks. */
    @FunctionalInterface
    public interface Body {
        Outputs build(Blocks blocks, Inputs inputs);
    }

    private DecoderExport() {
    }

    public static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    public static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    public static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    public static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    /** Output names in order: {@code logits, present.0.key, present.0.value, ...}. */
    public static List<String> outputNames(int layers) {
        List<String> names = new ArrayList<>();
        names.add(LOGITS);
        for (int i = 0; i < layers; i++) {
            names.add(presentKey(i));
            names.add(presentValue(i));
        }
        return names;
    }

    /**
     * Writes a decoder's folder in the Transformers layout: {@code config.json},
     * {@code generation_config.json}, {@code tokenizer.json}, {@code tokenizer_config.json} and the
     * given variants under {@code onnx/}.
     */
    static Path writeFolder(Path folder, ObjectNode config, ObjectNode generationConfig, ByteLevelBpe tokenizer,
                            ObjectNode tokenizerConfig, Set<Variant> variants, Function<Variant, OnnxModel> model) {
        Json.write(folder.resolve("config.json"), config);
        Json.write(folder.resolve("generation_config.json"), generationConfig);
        Json.write(folder.resolve("tokenizer.json"), tokenizer.tokenizerJson());
        Json.write(folder.resolve("tokenizer_config.json"), tokenizerConfig);
        for (Variant v : Variant.values()) {
            if (variants.contains(v)) {
                model.apply(v).write(folder.resolve("onnx").resolve(v.fileName()));
            }
        }
        return folder;
    }

    /** Builds the model of {@code variant} around {@code body}, with weights from {@code seed}. */
    public static OnnxModel build(String graphName, Signature sig, Body body, long seed, Variant variant) {
        return build(graphName, sig, body, seed, variant, true);
    }

    /**
     * Builds the model of {@code variant} around {@code body}; without {@code positionIds} the
     * graph has no {@code position_ids} input (as some exports) and derives the positions from
     * {@code attention_mask} as Transformers does: {@code cumsum(attention_mask) - 1}, 1 where the
     * mask is 0, the last {@code sequence_length} entries.
     */
    public static OnnxModel build(String graphName, Signature sig, Body body, long seed, Variant variant,
                                  boolean positionIds) {
        Objects.requireNonNull(body, "body");
        ElementType io = variant.elementType();
        Graph g = new Graph(graphName);
        g.input(INPUT_IDS, ElementType.INT64, BATCH, SEQUENCE);
        g.input(ATTENTION_MASK, ElementType.INT64, BATCH, TOTAL_SEQUENCE);
        if (positionIds) {
            g.input(POSITION_IDS, ElementType.INT64, BATCH, SEQUENCE);
        }
        for (int i = 0; i < sig.layers(); i++) {
            g.input(pastKey(i), io, BATCH, sig.kvHeads(), PAST_SEQUENCE, sig.headDim());
            g.input(pastValue(i), io, BATCH, sig.kvHeads(), PAST_SEQUENCE, sig.headDim());
        }
        Weights weights = variant.quantized() ? Weights.quantized(g, seed) : new Weights(g, seed, io);
        List<String> outs = outputNames(sig.layers());
        if (!variant.merged()) {
            Blocks b = new Blocks(g, weights, "");
            emit(b, body.build(b, inputs(b, sig, io, true, positionIds)), outs, io);
        } else {
            g.input(USE_CACHE_BRANCH, ElementType.BOOL, 1);
            Graph withPast = branch(graphName + "_with_past", "with_past/", sig, body, weights, io, true, positionIds);
            Graph noPast = branch(graphName + "_without_past", "without_past/", sig, body, weights, io, false, positionIds);
            g.node("If", List.of(USE_CACHE_BRANCH), outs,
                    Attribute.of("then_branch", withPast), Attribute.of("else_branch", noPast)).name("optimum::if");
        }
        declareOutputs(g, "", sig, io);
        return new OnnxModel(g).opset(17).producer("genloom-model-zoo", "test-kit");
    }

    private static Graph branch(String name, String prefix, Signature sig, Body body, Weights weights,
                                ElementType io, boolean withPast, boolean positionIds) {
        Graph sub = new Graph(name);
        Blocks b = new Blocks(sub, weights, prefix);
        List<String> outs = new ArrayList<>();
        for (String o : outputNames(sig.layers())) {
            outs.add(prefix + o);
        }
        emit(b, body.build(b, inputs(b, sig, io, withPast, positionIds)), outs, io);
        declareOutputs(sub, prefix, sig, io);
        return sub;
    }

    private static Inputs inputs(Blocks b, Signature sig, ElementType io, boolean withPast, boolean positionIds) {
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (withPast) {
            for (int i = 0; i < sig.layers(); i++) {
                keys.add(io == ElementType.FLOAT ? pastKey(i) : b.cast(pastKey(i), ElementType.FLOAT));
                values.add(io == ElementType.FLOAT ? pastValue(i) : b.cast(pastValue(i), ElementType.FLOAT));
            }
        }
        String positions = positionIds ? POSITION_IDS : positionsFromMask(b);
        return new Inputs(INPUT_IDS, ATTENTION_MASK, positions, List.copyOf(keys), List.copyOf(values));
    }

    /**
     * {@code position_ids [batch, seq]} from {@code attention_mask [batch, past + seq]}:
     * {@code cumsum(mask) - 1} with 1 where the mask is 0 (Transformers' {@code masked_fill}), the
     * last {@code seq} columns.
     */
    static String positionsFromMask(Blocks b) {
        Weights w = b.weights();
        String counted = b.op("CumSum", List.of(ATTENTION_MASK, w.intScalar(1)));
        String positions = b.op("Sub", List.of(counted, w.intScalar(1)));
        String attended = b.cast(ATTENTION_MASK, ElementType.BOOL);
        positions = b.op("Where", List.of(attended, positions, w.intScalar(1)));
        String seq = b.dim(INPUT_IDS, 1);
        String total = b.dim(ATTENTION_MASK, 1);
        String past = b.op("Sub", List.of(total, seq));
        return b.op("Slice", List.of(positions, b.unsqueeze(past, 0), b.unsqueeze(total, 0), w.ints(1)));
    }

    private static void emit(Blocks b, Outputs out, List<String> names, ElementType io) {
        List<String> values = new ArrayList<>();
        values.add(out.logits());
        for (int i = 0; i < out.presentKeys().size(); i++) {
            values.add(out.presentKeys().get(i));
            values.add(out.presentValues().get(i));
        }
        if (values.size() != names.size()) {
            throw new IllegalStateException("body gave " + values.size() + " outputs, the signature has " + names.size());
        }
        for (int i = 0; i < names.size(); i++) {
            if (io == ElementType.FLOAT) {
                b.opInto("Identity", values.get(i), names.get(i));
            } else {
                b.opInto("Cast", values.get(i), names.get(i), Attribute.of("to", io.code()));
            }
        }
    }

    private static void declareOutputs(Graph g, String prefix, Signature sig, ElementType io) {
        g.output(prefix + LOGITS, io, BATCH, SEQUENCE, sig.vocabSize());
        for (int i = 0; i < sig.layers(); i++) {
            g.output(prefix + presentKey(i), io, BATCH, sig.kvHeads(), TOTAL_SEQUENCE, sig.headDim());
            g.output(prefix + presentValue(i), io, BATCH, sig.kvHeads(), TOTAL_SEQUENCE, sig.headDim());
        }
    }
}
