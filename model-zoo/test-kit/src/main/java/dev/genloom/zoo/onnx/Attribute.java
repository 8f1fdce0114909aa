package dev.genloom.zoo.onnx;

import java.util.List;
import java.util.Objects;

/**
 * An immutable node attribute ({@code AttributeProto}) of one of the types below.
 */
public final class Attribute {

    /** {@code AttributeProto.AttributeType}, with its numeric codes. */
    public enum Type {
        FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7), STRINGS(8);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final String name;
    private final Type type;
    private final Object value;

    private Attribute(String name, Type type, Object value) {
        this.name = Objects.requireNonNull(name, "attribute name");
        this.type = type;
        this.value = Objects.requireNonNull(value, () -> "value of attribute " + name);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an attribute needs a name");
        }
    }

    /** A FLOAT attribute. */
    public static Attribute of(String name, float value) {
        return new Attribute(name, Type.FLOAT, value);
    }

    /** A FLOAT attribute (ONNX floats are single precision; the value is narrowed). */
    public static Attribute of(String name, double value) {
        return new Attribute(name, Type.FLOAT, (float) value);
    }

    /** An INT attribute. */
    public static Attribute of(String name, long value) {
        return new Attribute(name, Type.INT, value);
    }

    /** An INT attribute. */
    public static Attribute of(String name, int value) {
        return new Attribute(name, Type.INT, (long) value);
    }

    /** A STRING attribute (UTF-8). */
    public static Attribute of(String name, String value) {
        return new Attribute(name, Type.STRING, value);
    }

    /** A TENSOR attribute, e.g. {@code Constant}'s {@code value}. */
    public static Attribute of(String name, Tensor value) {
        return new Attribute(name, Type.TENSOR, value);
    }

    /** A GRAPH attribute: a subgraph, e.g. {@code If}'s {@code then_branch}. */
    public static Attribute of(String name, Graph value) {
        return new Attribute(name, Type.GRAPH, value);
    }

    /** A FLOATS attribute. */
    public static Attribute floats(String name, float... values) {
        return new Attribute(name, Type.FLOATS, values.clone());
    }

    /** An INTS attribute. */
    public static Attribute ints(String name, long... values) {
        return new Attribute(name, Type.INTS, values.clone());
    }

    /** A STRINGS attribute. */
    public static Attribute strings(String name, String... values) {
        for (String s : values) {
            Objects.requireNonNull(s, () -> "element of attribute " + name);
        }
        return new Attribute(name, Type.STRINGS, List.of(values));
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    /** The value: Float, Long, String, Tensor, Graph, float[], long[] or List&lt;String&gt; by type. */
    public Object value() {
        return switch (type) {
            case FLOATS -> ((float[]) value).clone();
            case INTS -> ((long[]) value).clone();
            default -> value;
        };
    }

    @SuppressWarnings("unchecked")
    void writeTo(ProtoWriter w) {
        w.string(OnnxFields.Attribute.NAME, name);
        switch (type) {
            case FLOAT -> w.float32(OnnxFields.Attribute.F, (Float) value);
            case INT -> w.int64(OnnxFields.Attribute.I, (Long) value);
            case STRING -> w.string(OnnxFields.Attribute.S, (String) value);
            case TENSOR -> w.message(OnnxFields.Attribute.T, ((Tensor) value)::writeTo);
            case GRAPH -> w.message(OnnxFields.Attribute.G, ((Graph) value)::writeTo);
            case FLOATS -> w.packedFloat(OnnxFields.Attribute.FLOATS, (float[]) value);
            case INTS -> w.packedInt64(OnnxFields.Attribute.INTS, (long[]) value);
            case STRINGS -> {
                for (String s : (List<String>) value) {
                    w.string(OnnxFields.Attribute.STRINGS, s);
                }
            }
        }
        w.int32(OnnxFields.Attribute.TYPE, type.code());
    }

    @Override
    public String toString() {
        return name + ":" + type;
    }
}
