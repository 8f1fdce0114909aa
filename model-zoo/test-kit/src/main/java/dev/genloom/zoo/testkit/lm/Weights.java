package dev.genloom.zoo.testkit.lm;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.ExternalData;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The constant values of a generated model: learned parameters (seeded random) and small
 * constants (shapes, axes, scalars), all stored as initializers of one graph, the
 * <em>top-level</em> graph of the model, so that the branches of an {@code If} share them as
 * Optimum's merged decoders do.
 *
 * <p>A parameter's values depend only on the seed, its name and its shape, never on the order in
 * which parameters are asked for; the fp32 and fp16 variants, and the plain and merged decoders,
 * therefore hold the same weights. Asking twice for one name gives the same value name.
 *
 * <p>With {@link ElementType#FLOAT16} storage, every parameter is stored as float16 under
 * {@code <name>_fp16} and cast to float32 once, by a {@code Cast} node of the top-level graph
 * named {@code <name>} (ONNX Runtime folds it at load), so the computation itself runs in float32
 * on every execution provider.
 *
 * <p>{@linkplain #quantized Quantized} weights keep float32 storage for every parameter except the
 * matrices of {@link #matrix} (the weights of {@code MatMul}s): those are stored as uint8 under
 * {@code <name>_quantized} with a per-tensor float32 scale {@code <name>_scale} and uint8 zero
 * point {@code <name>_zero_point}, and turned back into float32 by a {@code DequantizeLinear}
 * node of the top-level graph named {@code <name>}, the QDQ form of a statically quantized export
 * ({@code model_quantized.onnx}). Embeddings, norms and biases stay float32.
 */
public final class Weights {

    /** How a parameter is initialised. */
    public enum Init {
        /** Uniform in {@code [-scale, scale]}. */
        UNIFORM,
        /** {@code 1 + } uniform in {@code [-scale, scale]}: norm gains. */
        ONE_PLUS_UNIFORM
    }

    private final Graph graph;
    private final long seed;
    private final ElementType storage;
    private final boolean quantized;
    private final ExternalData external;
    private final Map<String, long[]> params = new HashMap<>();
    private final Map<String, String> constants = new HashMap<>();
    private long parameterCount;

    /**
     * @param graph   the top-level graph that receives the initializers (and the fp16 casts)
     * @param seed    seed of every parameter's values
     * @param storage {@link ElementType#FLOAT} or {@link ElementType#FLOAT16}
     */
    public Weights(Graph graph, long seed, ElementType storage) {
        this(graph, seed, storage, false);
    }

    private Weights(Graph graph, long seed, ElementType storage, boolean quantized) {
        this(graph, seed, storage, quantized, null);
    }

    private Weights(Graph graph, long seed, ElementType storage, boolean quantized, ExternalData external) {
        this.external = external;
        this.quantized = quantized;
        this.graph = Objects.requireNonNull(graph, "graph");
        if (storage != ElementType.FLOAT && storage != ElementType.FLOAT16) {
            throw new IllegalArgumentException("weights are stored as FLOAT or FLOAT16, not " + storage);
        }
        this.seed = seed;
        this.storage = storage;
    }

    /**
     * Weights whose {@link #matrix matrices} are stored as uint8 with a per-tensor scale and zero
     * point and dequantized in the graph ({@code DequantizeLinear}, opset 13+); other parameters
     * are float32.
     */
    public static Weights quantized(Graph graph, long seed) {
        return new Weights(graph, seed, ElementType.FLOAT, true);
    }

    /**
     * Weights whose parameters of {@link ExternalData#DEFAULT_THRESHOLD} bytes or more are written to
     * {@code data} as they are made (the graph keeps references), so that a model of any size is
     * built without its weights in memory. The same seed gives the same values as inline weights.
     * With a {@linkplain ExternalData#discarding() discarding} sink the values are not even made:
     * the parameter count is had for nothing.
     */
    public static Weights external(Graph graph, long seed, ElementType storage, ExternalData data) {
        return new Weights(graph, seed, storage, false, Objects.requireNonNull(data, "external data"));
    }

    public ElementType storage() {
        return storage;
    }

    /** Whether {@link #matrix} stores uint8 matrices dequantized in the graph. */
    public boolean isQuantized() {
        return quantized;
    }

    /**
     * A weight matrix {@code [in, out]} read by a {@code MatMul}: the same values as
     * {@link #param}, but with {@linkplain #quantized quantized} weights stored as uint8 and
     * dequantized by the graph (the float32 value named {@code name} then holds the dequantized,
     * not the original, values).
     */
    public String matrix(String name, Init init, double scale, long in, long out) {
        if (!quantized || params.containsKey(name)) {
            return param(name, init, scale, in, out);
        }
        long n = in * out;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameter " + name + " too large: " + in + "x" + out);
        }
        float[] values = random(name, (int) n, init, (float) scale);
        params.put(name, new long[] {in, out});
        parameterCount += n;
        // asymmetric uint8, per tensor, as onnxruntime.quantization's QUInt8 with the range widened to hold 0
        float min = 0f;
        float max = 0f;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float step = max > min ? (max - min) / 255f : 1f;
        int zeroPoint = Math.max(0, Math.min(255, Math.round(-min / step)));
        byte[] q = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            q[i] = (byte) Math.max(0, Math.min(255, Math.round(values[i] / step) + zeroPoint));
        }
        graph.initializer(name + "_quantized", Tensor.uint8s(q, in, out));
        graph.initializer(name + "_scale", Tensor.floatScalar(step));
        graph.initializer(name + "_zero_point", Tensor.uint8Scalar(zeroPoint));
        graph.node("DequantizeLinear", List.of(name + "_quantized", name + "_scale", name + "_zero_point"),
                List.of(name)).name(name + "/dequantize");
        return name;
    }

    /** Number of parameter elements added so far. */
    public long parameterCount() {
        return parameterCount;
    }

    /**
     * The float32 value named {@code name} holding a seeded random parameter of {@code shape};
     * added on first use.
     */
    public String param(String name, Init init, double scale, long... shape) {
        long[] known = params.get(name);
        if (known != null) {
            if (!Arrays.equals(known, shape)) {
                throw new IllegalArgumentException("parameter " + name + " was declared with shape "
                        + Arrays.toString(known) + ", now " + Arrays.toString(shape));
            }
            return name;
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameter " + name + " too large: " + Arrays.toString(shape));
        }
        params.put(name, shape.clone());
        parameterCount += n;
        if (external != null && external.takes(n * storage.byteSize())) {
            float[] values = external.discards() ? null : random(name, (int) n, init, (float) scale);
            String stored = storage == ElementType.FLOAT ? name : name + "_fp16";
            graph.initializer(stored, external.appendFloats(values, shape, storage));
            if (storage != ElementType.FLOAT) {
                graph.node("Cast", stored, name, Attribute.of("to", ElementType.FLOAT.code())).name(name + "/cast");
            }
            return name;
        }
        float[] values = random(name, (int) n, init, (float) scale);
        if (storage == ElementType.FLOAT) {
            graph.initializer(name, Tensor.floats(values, shape));
        } else {
            graph.initializer(name + "_fp16", Tensor.float16(values, shape));
            graph.node("Cast", name + "_fp16", name, Attribute.of("to", ElementType.FLOAT.code())).name(name + "/cast");
        }
        return name;
    }

    /** A float32 parameter given by value (e.g. rotary {@code inv_freq}), stored like the others. */
    public String fixedParam(String name, float[] values, long... shape) {
        if (params.containsKey(name)) {
            return name;
        }
        params.put(name, shape.clone());
        // buffers such as rotary inv_freq stay float32 in fp16 exports too
        graph.initializer(name, Tensor.floats(values, shape));
        return name;
    }

    /** An int64 constant of shape {@code [values.length]}; one initializer per distinct value. */
    public String ints(long... values) {
        StringBuilder key = new StringBuilder("const_i64");
        for (long v : values) {
            key.append('_').append(v < 0 ? "m" + (-v) : Long.toString(v));
        }
        return constant(key.toString(), () -> Tensor.int64s(values));
    }

    /** An int64 scalar constant (shape {@code []}). */
    public String intScalar(long value) {
        return constant("const_i64s_" + (value < 0 ? "m" + (-value) : Long.toString(value)), () -> Tensor.int64Scalar(value));
    }

    /** A float32 scalar constant (shape {@code []}). */
    public String floatScalar(float value) {
        String key = "const_f32s_" + Integer.toHexString(Float.floatToRawIntBits(value));
        return constant(key, () -> Tensor.floatScalar(value));
    }

    private String constant(String key, Supplier<Tensor> make) {
        return constants.computeIfAbsent(key, k -> {
            graph.initializer(k, make.get());
            return k;
        });
    }

    /** The top-level graph holding the initializers. */
    public Graph graph() {
        return graph;
    }

    /** Names of the parameters added, in no particular order. */
    public List<String> parameterNames() {
        return List.copyOf(params.keySet());
    }

    // A SplitMix64 stream per parameter: reproducible on every JVM, independent of request order.
    private float[] random(String name, int n, Init init, float scale) {
        long state = seed * 0x9E3779B97F4A7C15L + fnv(name);
        float[] out = new float[n];
        float base = init == Init.ONE_PLUS_UNIFORM ? 1f : 0f;
        for (int i = 0; i < n; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            float u = (z >>> 40) * 0x1.0p-24f;           // [0, 1)
            out[i] = base + (2f * u - 1f) * scale;
        }
        return out;
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
