package dev.genloom.zoo.testkit.lm;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Transformer building blocks written as plain ONNX operators (opset 17) into a {@link Graph}.
 * Each method appends the nodes of one block and returns the name of the value it produced, so
 * blocks chain like functions:
 *
 * <pre>{@code
 * Blocks b = new Blocks(graph, weights, "");
 * String h = b.layerNorm(x, "ln_1", hidden, 1e-5);
 * AttentionOutput a = b.attention(h, spec, "h.0.attn", pastKey, pastValue, b.causalMask("input_ids", "attention_mask"), null);
 * }</pre>
 *
 * <p>Parameters and constants come from {@link Weights} (initializers of the model's top-level
 * graph); nodes go to {@code graph}, which may be the top-level graph or a branch of an
 * {@code If}. Every intermediate value is named {@code <prefix><hint>_<n>}, so that two branches
 * built with different prefixes never clash. The computation is float32 throughout.
 *
 * <p>Layouts follow the Hugging Face models: activations are {@code [batch, seq, hidden]};
 * attention heads are {@code [batch, heads, seq, head_dim]}, and so are KV caches. Linear weights
 * are stored {@code [in, out]} (what an export's {@code MatMul} reads), named {@code <name>.weight}
 * and {@code <name>.bias}.
 */
public final class Blocks {

    /** Shape of one attention layer. {@code kvHeads < heads} makes it grouped-query attention. */
    public record Attention(int hidden, int heads, int kvHeads, int headDim, boolean bias, String outName) {
        public Attention {
            if (heads <= 0 || kvHeads <= 0 || headDim <= 0 || hidden <= 0) {
                throw new IllegalArgumentException("attention sizes must be positive");
            }
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kv heads (" + kvHeads + ")");
            }
            Objects.requireNonNull(outName, "outName");
        }

        /** Multi-head attention with {@code heads} KV heads, biases, and {@code out_proj}. */
        public static Attention multiHead(int hidden, int heads) {
            return new Attention(hidden, heads, heads, hidden / heads, true, "out_proj");
        }
    }

    /** What {@link #attention} produced: the layer output and the KV cache to hand back. */
    public record AttentionOutput(String output, String presentKey, String presentValue) {
    }

    /** Rotary tables: {@code cos} and {@code sin}, each {@code [batch, 1, seq, head_dim]}. */
    public record Rotary(String cos, String sin, int headDim) {
    }

    /** Fill value of masked attention scores: the lowest float, as Transformers uses (no NaN on fully masked rows). */
    public static final float MASKED = -Float.MAX_VALUE;

    private final Graph graph;
    private final Weights weights;
    private final String prefix;
    private int counter;

    public Blocks(Graph graph, Weights weights, String prefix) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public Graph graph() {
        return graph;
    }

    public Weights weights() {
        return weights;
    }

    // ---------------------------------------------------------------- plumbing

    /** A fresh value name from {@code hint}. */
    public String fresh(String hint) {
        return prefix + hint + "_" + (counter++);
    }

    /** Appends {@code opType} with one output and returns the output's name. */
    public String op(String opType, List<String> in, Attribute... attrs) {
        String out = fresh(opType);
        graph.node(opType, in, List.of(out), attrs).name(out);
        return out;
    }

    /** Appends {@code opType} with one input and one output. */
    public String op(String opType, String in, Attribute... attrs) {
        return op(opType, List.of(in), attrs);
    }

    /** Appends a node whose output gets the given (graph output) name. */
    public String opInto(String opType, String in, String out, Attribute... attrs) {
        graph.node(opType, List.of(in), List.of(out), attrs).name(prefix + "to/" + out);
        return out;
    }

    public String add(String a, String b) {
        return op("Add", List.of(a, b));
    }

    public String mul(String a, String b) {
        return op("Mul", List.of(a, b));
    }

    public String matMul(String a, String b) {
        return op("MatMul", List.of(a, b));
    }

    public String cast(String x, ElementType to) {
        return op("Cast", x, Attribute.of("to", to.code()));
    }

    /** {@code Reshape} to a constant shape (0 copies the input's dim, -1 infers one). */
    public String reshape(String x, long... shape) {
        return op("Reshape", List.of(x, weights.ints(shape)));
    }

    public String transpose(String x, long... perm) {
        return op("Transpose", x, Attribute.ints("perm", perm));
    }

    public String unsqueeze(String x, long... axes) {
        return op("Unsqueeze", List.of(x, weights.ints(axes)));
    }

    /** {@code Slice} of {@code x} along {@code axis}, from {@code start} (inclusive) to {@code end}. */
    public String slice(String x, long axis, long start, long end) {
        return op("Slice", List.of(x, weights.ints(start), weights.ints(end), weights.ints(axis)));
    }

    /** The size of dim {@code axis} of {@code x}, as an int64 scalar. */
    public String dim(String x, long axis) {
        String shape = op("Shape", x);
        return op("Gather", List.of(shape, weights.intScalar(axis)), Attribute.of("axis", 0));
    }

    // ---------------------------------------------------------------- layers

    /**
     * {@code x @ W + b}: {@code W = <name>.weight [in, out]} (uniform, variance {@code 1/in}),
     * {@code b = <name>.bias [out]} when {@code bias}.
     */
    public String linear(String x, String name, long in, long out, boolean bias) {
        String w = weights.matrix(name + ".weight", Weights.Init.UNIFORM, Math.sqrt(3.0 / in), in, out);
        String y = matMul(x, w);
        if (bias) {
            y = add(y, weights.param(name + ".bias", Weights.Init.UNIFORM, 0.02, out));
        }
        return y;
    }

    /** Token (or position) embedding lookup: {@code Gather(<name>.weight [rows, dim], ids)}. */
    public String embedding(String ids, String name, long rows, long dim) {
        String table = embeddingTable(name, rows, dim);
        return op("Gather", List.of(table, ids), Attribute.of("axis", 0));
    }

    /** The embedding table {@code <name>.weight [rows, dim]} (uniform, variance {@code 1/dim}). */
    public String embeddingTable(String name, long rows, long dim) {
        return weights.param(name + ".weight", Weights.Init.UNIFORM, Math.sqrt(3.0 / dim), rows, dim);
    }

    /** Logits through a head tied to an embedding table: {@code x @ table^T}. */
    public String tiedHead(String x, String table) {
        return matMul(x, transpose(table, 1, 0));
    }

    /** {@code LayerNormalization} (opset 17) over the last axis, gain {@code <name>.weight}, bias {@code <name>.bias}. */
    public String layerNorm(String x, String name, long dim, double eps) {
        String w = weights.param(name + ".weight", Weights.Init.ONE_PLUS_UNIFORM, 0.1, dim);
        String b = weights.param(name + ".bias", Weights.Init.UNIFORM, 0.1, dim);
        return op("LayerNormalization", List.of(x, w, b), Attribute.of("axis", -1), Attribute.of("epsilon", eps));
    }

    /** RMSNorm as Llama exports it: {@code x / sqrt(mean(x^2) + eps) * <name>.weight}. */
    public String rmsNorm(String x, String name, long dim, double eps) {
        String w = weights.param(name + ".weight", Weights.Init.ONE_PLUS_UNIFORM, 0.1, dim);
        String meanSquare = op("ReduceMean", List.of(mul(x, x)), Attribute.ints("axes", -1), Attribute.of("keepdims", 1));
        String rms = op("Sqrt", add(meanSquare, weights.floatScalar((float) eps)));
        return mul(op("Div", List.of(x, rms)), w);
    }

    /** GELU, tanh approximation ({@code gelu_new}): {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    public String geluTanh(String x) {
        String cube = mul(mul(x, x), x);
        String inner = mul(add(x, mul(cube, weights.floatScalar(0.044715f))),
                weights.floatScalar((float) Math.sqrt(2.0 / Math.PI)));
        String t = add(op("Tanh", inner), weights.floatScalar(1f));
        return mul(mul(x, weights.floatScalar(0.5f)), t);
    }

    /** SiLU: {@code x * sigmoid(x)}. */
    public String silu(String x) {
        return mul(x, op("Sigmoid", x));
    }

    /** Llama's MLP: {@code down(silu(gate(x)) * up(x))}, no biases. */
    public String gatedMlp(String x, String name, long hidden, long intermediate) {
        String gate = silu(linear(x, name + ".gate_proj", hidden, intermediate, false));
        String up = linear(x, name + ".up_proj", hidden, intermediate, false);
        return linear(mul(gate, up), name + ".down_proj", intermediate, hidden, false);
    }

    // ---------------------------------------------------------------- positions and masks

    /**
     * Rotary tables from {@code position_ids [batch, seq]} (int64), computed in the graph:
     * {@code freqs = position * inv_freq}, {@code inv_freq[i] = theta^(-2i/head_dim)},
     * {@code emb = concat(freqs, freqs)}, giving {@code cos(emb)} and {@code sin(emb)}.
     */
    public Rotary rotary(String positionIds, int headDim, double theta) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head_dim, not " + headDim);
        }
        float[] invFreq = new float[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        }
        String inv = weights.fixedParam("rotary_emb.inv_freq", invFreq, invFreq.length);
        String pos = unsqueeze(cast(positionIds, ElementType.FLOAT), 2);                 // [b, s, 1]
        String freqs = mul(pos, inv);                                              // [b, s, d/2]
        String emb = op("Concat", List.of(freqs, freqs), Attribute.of("axis", -1)); // [b, s, d]
        String cos = unsqueeze(op("Cos", emb), 1);                                 // [b, 1, s, d]
        String sin = unsqueeze(op("Sin", emb), 1);
        return new Rotary(cos, sin, headDim);
    }

    /** Applies rotary tables to heads {@code [batch, heads, seq, head_dim]}: {@code x cos + rotate_half(x) sin}. */
    public String applyRotary(String x, Rotary r) {
        int half = r.headDim() / 2;
        String x1 = slice(x, 3, 0, half);
        String x2 = slice(x, 3, half, r.headDim());
        String rotated = op("Concat", List.of(op("Neg", x2), x1), Attribute.of("axis", 3));   // rotate_half
        return add(mul(x, r.cos()), mul(rotated, r.sin()));
    }

    /**
     * The boolean mask {@code [batch, 1, seq, total]} of allowed attention, from
     * {@code input_ids [batch, seq]} and {@code attention_mask [batch, total]} (1 = attend, 0 =
     * padding), where {@code total = past + seq}: query {@code i} sits at position
     * {@code past + i} and may attend key {@code j} when {@code j <= past + i} (causal) and
     * {@code attention_mask[b, j] != 0} (padding).
     */
    public String causalMask(String inputIds, String attentionMask) {
        String seq = dim(inputIds, 1);
        String total = dim(attentionMask, 1);
        String past = op("Sub", List.of(total, seq));
        String one = weights.intScalar(1);
        String queryPos = op("Range", List.of(past, total, one));                  // [s]
        String keyPos = op("Range", List.of(weights.intScalar(0), total, one));    // [t]
        String causal = op("LessOrEqual", List.of(unsqueeze(keyPos, 0), unsqueeze(queryPos, 1)));   // [s, t]
        String padding = unsqueeze(cast(attentionMask, ElementType.BOOL), 1, 2);        // [b, 1, 1, t]
        return op("And", List.of(causal, padding));                               // [b, 1, s, t]
    }

    /** Learned absolute position embeddings (GPT-2's {@code wpe}) looked up by {@code position_ids}. */
    public String positionEmbedding(String positionIds, String name, long maxPositions, long dim) {
        return embedding(positionIds, name, maxPositions, dim);
    }

    // ---------------------------------------------------------------- attention

    /** {@code [batch, seq, heads*head_dim] -> [batch, heads, seq, head_dim]}. */
    public String splitHeads(String x, int heads, int headDim) {
        return transpose(reshape(x, 0, 0, heads, headDim), 0, 2, 1, 3);
    }

    /** {@code [batch, heads, seq, head_dim] -> [batch, seq, heads*head_dim]}. */
    public String mergeHeads(String x, int heads, int headDim) {
        return reshape(transpose(x, 0, 2, 1, 3), 0, 0, (long) heads * headDim);
    }

    /**
     * Grouped-query attention's {@code repeat_kv}: {@code [b, kv, t, d] -> [b, kv*rep, t, d]},
     * head {@code h} reading KV head {@code h / rep}.
     */
    public String repeatKv(String x, int kvHeads, int rep, int headDim) {
        if (rep == 1) {
            return x;
        }
        String expanded = op("Expand", List.of(unsqueeze(x, 2), weights.ints(1, 1, rep, 1, 1)));   // [b, kv, rep, t, d]
        return reshape(expanded, 0, (long) kvHeads * rep, -1, headDim);
    }

    /**
     * {@code softmax(q k^T / sqrt(d) masked) v} for {@code q [b, h, s, d]}, {@code k, v [b, h, t, d]}
     * and an optional boolean {@code mask} broadcastable to {@code [b, h, s, t]} ({@code null}: none).
     */
    public String scaledDotProduct(String q, String k, String v, String mask, int headDim) {
        String scores = mul(matMul(q, transpose(k, 0, 1, 3, 2)), weights.floatScalar((float) (1.0 / Math.sqrt(headDim))));
        if (mask != null) {
            scores = op("Where", List.of(mask, scores, weights.floatScalar(MASKED)));
        }
        String probs = op("Softmax", scores, Attribute.of("axis", -1));
        return matMul(probs, v);
    }

    /**
     * Self-attention with a KV cache: projections {@code <name>.q_proj/k_proj/v_proj/<outName>},
     * heads split, rotary applied to q and k when {@code rope} is given, the new keys and values
     * appended to {@code pastKey}/{@code pastValue} along the sequence axis (no past: {@code null};
     * the present is then this step's keys and values), KV heads repeated for grouped-query
     * attention, scaled dot product under {@code mask}, heads merged, output projection.
     */
    public AttentionOutput attention(String x, Attention a, String name, String pastKey, String pastValue,
                                     String mask, Rotary rope) {
        String q = splitHeads(linear(x, name + ".q_proj", a.hidden(), (long) a.heads() * a.headDim(), a.bias()), a.heads(), a.headDim());
        String k = splitHeads(linear(x, name + ".k_proj", a.hidden(), (long) a.kvHeads() * a.headDim(), a.bias()), a.kvHeads(), a.headDim());
        String v = splitHeads(linear(x, name + ".v_proj", a.hidden(), (long) a.kvHeads() * a.headDim(), a.bias()), a.kvHeads(), a.headDim());
        if (rope != null) {
            q = applyRotary(q, rope);
            k = applyRotary(k, rope);
        }
        String presentKey = pastKey == null ? k : op("Concat", List.of(pastKey, k), Attribute.of("axis", 2));
        String presentValue = pastValue == null ? v : op("Concat", List.of(pastValue, v), Attribute.of("axis", 2));
        int rep = a.heads() / a.kvHeads();
        String keys = repeatKv(presentKey, a.kvHeads(), rep, a.headDim());
        String values = repeatKv(presentValue, a.kvHeads(), rep, a.headDim());
        String context = mergeHeads(scaledDotProduct(q, keys, values, mask, a.headDim()), a.heads(), a.headDim());
        String out = linear(context, name + "." + a.outName(), (long) a.heads() * a.headDim(), a.hidden(), a.bias());
        return new AttentionOutput(out, presentKey, presentValue);
    }

    /** Names {@code base.0 ... base.(n-1)}. */
    static List<String> numbered(String base, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(base + "." + i);
        }
        return out;
    }
}
