package dev.genloom.zoo.onnx;

import java.util.Objects;

/**
 * One dimension of a declared tensor shape ({@code TensorShapeProto.Dimension}): a fixed size,
 * a named dynamic axis ({@code dim_param}, e.g. {@code "batch_size"}), or unknown (neither).
 */
public final class Dim {

    private static final Dim UNKNOWN = new Dim(null, null);

    private final Long value;
    private final String param;

    private Dim(Long value, String param) {
        this.value = value;
        this.param = param;
    }

    /** A fixed dimension. */
    public static Dim of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("a fixed dimension cannot be negative: " + value);
        }
        return new Dim(value, null);
    }

    /** A named dynamic axis. */
    public static Dim of(String param) {
        Objects.requireNonNull(param, "param");
        if (param.isEmpty()) {
            throw new IllegalArgumentException("a dynamic axis needs a name; use Dim.unknown() for an anonymous one");
        }
        return new Dim(null, param);
    }

    /** A dimension of unknown size with no name. */
    public static Dim unknown() {
        return UNKNOWN;
    }

    /**
     * A dimension from a loose value: {@link Long}/{@link Integer} (fixed), {@link String}
     * (named dynamic axis), a {@code Dim}, or {@code null} (unknown).
     */
    public static Dim from(Object dim) {
        if (dim == null) {
            return UNKNOWN;
        }
        if (dim instanceof Dim d) {
            return d;
        }
        if (dim instanceof Long || dim instanceof Integer || dim instanceof Short || dim instanceof Byte) {
            return of(((Number) dim).longValue());
        }
        if (dim instanceof String s) {
            return of(s);
        }
        throw new IllegalArgumentException("a dimension is a Long or Integer (fixed), a String (named dynamic axis)"
                + " or null (unknown), not " + dim.getClass().getName() + ": " + dim);
    }

    public boolean isFixed() {
        return value != null;
    }

    public boolean isNamed() {
        return param != null;
    }

    /** The fixed size; -1 unless {@link #isFixed()}. */
    public long value() {
        return value == null ? -1 : value;
    }

    /** The axis name; {@code null} unless {@link #isNamed()}. */
    public String param() {
        return param;
    }

    void writeTo(ProtoWriter w) {
        if (value != null) {
            w.int64(OnnxFields.Dimension.DIM_VALUE, value);
        } else if (param != null) {
            w.string(OnnxFields.Dimension.DIM_PARAM, param);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dim d && Objects.equals(value, d.value) && Objects.equals(param, d.param);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, param);
    }

    @Override
    public String toString() {
        return value != null ? value.toString() : param != null ? param : "?";
    }
}
