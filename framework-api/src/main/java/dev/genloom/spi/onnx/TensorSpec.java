package dev.genloom.spi.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link Signature} expects of one tensor: its element types and its rank, each optional.
 * Immutable; {@link #rank(int)} and {@link #shape(String...)} return new specs.
 *
 * <pre>{@code
 * TensorSpec ids = TensorSpec.of(OnnxJavaType.INT64, OnnxJavaType.INT32).rank(2);
 * TensorSpec features = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).shape("batch", "mel_bins", "frames");
 * }</pre>
 */
public final class TensorSpec {
    private static final TensorSpec ANY = new TensorSpec(Set.of(), -1, List.of());

    private final Set<OnnxJavaType> types;
    private final int rank;
    private final List<String> axes;

    private TensorSpec(Set<OnnxJavaType> types, int rank, List<String> axes) {
        this.types = types;
        this.rank = rank;
        this.axes = axes;
    }

    /** A tensor of any element type and rank. */
    public static TensorSpec any() {
        return ANY;
    }

    /**
     * A tensor of one of the element types, in the order they are named in messages; none given
     * accepts any type.
     */
    public static TensorSpec of(OnnxJavaType... types) {
        Objects.requireNonNull(types, "types");
        if (types.length == 0) {
            return ANY;
        }
        Set<OnnxJavaType> ordered = new LinkedHashSet<>();
        for (OnnxJavaType t : types) {
            ordered.add(Objects.requireNonNull(t, "type"));
        }
        return new TensorSpec(Collections.unmodifiableSet(ordered), -1, List.of());
    }

    /** The same element types, of exactly this rank (0 for a scalar). */
    public TensorSpec rank(int rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("a rank is 0 or more, not " + rank);
        }
        return new TensorSpec(types, rank, List.of());
    }

    /**
     * The same element types, of the rank of these axes, which name the axes in messages
     * ({@code "batch", "mel_bins", "frames"}). Sizes are not checked: read them from the
     * checked signature.
     */
    public TensorSpec shape(String... axes) {
        List<String> list = List.of(axes);
        return new TensorSpec(types, list.size(), list);
    }

    /** The accepted element types, in the order given; empty where any is. */
    public Set<OnnxJavaType> types() {
        return types;
    }

    /** The expected rank, or -1 where any is. */
    public int expectedRank() {
        return rank;
    }

    /** Whether a tensor has one of the types and the rank. */
    public boolean accepts(TensorInfo tensor) {
        return (types.isEmpty() || types.contains(tensor.type)) && (rank < 0 || tensor.getShape().length == rank);
    }

    /** What is expected, for messages: {@code int64 or int32, rank 2}; empty where anything is. */
    public String describe() {
        List<String> parts = new ArrayList<>(2);
        if (!types.isEmpty()) {
            parts.add(String.join(" or ", types.stream().map(TensorSpec::typeName).toList()));
        }
        if (rank >= 0) {
            parts.add(rank == 0 ? "a scalar" : "rank " + rank + (axes.isEmpty() ? "" : " " + axes));
        }
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        String d = describe();
        return d.isEmpty() ? "any tensor" : d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec s && s.types.equals(types) && s.rank == rank && s.axes.equals(axes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(types, rank, axes);
    }

    /** An element type as messages name it: {@code float}, {@code float16}, {@code int64}, {@code uint16}. */
    static String typeName(OnnxJavaType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** A tensor as messages describe it: {@code float16 [batch_size, 80, 3000]}, {@code int64 scalar}. */
    static String describe(TensorInfo tensor) {
        String type = tensor.type == OnnxJavaType.UNKNOWN && tensor.onnxType != null
                ? tensor.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT)
                : typeName(tensor.type);
        long[] shape = tensor.getShape();
        if (shape.length == 0) {
            return type + " scalar";
        }
        String[] names = tensor.getDimensionNames();
        String[] dims = new String[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                dims[i] = Long.toString(shape[i]);
            } else if (names != null && i < names.length && names[i] != null && !names[i].isEmpty()) {
                dims[i] = names[i];
            } else {
                dims[i] = "?";
            }
        }
        return type + " " + Arrays.toString(dims);
    }
}
