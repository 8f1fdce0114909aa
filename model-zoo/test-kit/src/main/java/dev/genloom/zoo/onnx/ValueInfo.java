package dev.genloom.zoo.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A declared graph value ({@code ValueInfoProto}): name and tensor type, i.e. element type and
 * shape. The shape may be left out altogether (unknown rank); an empty shape is a scalar.
 */
public final class ValueInfo {

    private final String name;
    private final ElementType type;
    private final List<Dim> shape;   // null = unknown rank

    private ValueInfo(String name, ElementType type, List<Dim> shape) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.shape = shape;
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a graph value needs a name");
        }
    }

    /**
     * A tensor value of known rank. Each dim is a {@link Long}/{@link Integer} (fixed), a
     * {@link String} (named dynamic axis), a {@link Dim}, or {@code null} (unknown). No dims: a scalar.
     */
    public static ValueInfo of(String name, ElementType type, Object... dims) {
        List<Dim> shape = new ArrayList<>(dims.length);
        for (Object d : dims) {
            shape.add(Dim.from(d));
        }
        return new ValueInfo(name, type, Collections.unmodifiableList(shape));
    }

    /** A tensor value whose rank is not declared (no {@code shape} field). */
    public static ValueInfo unknownShape(String name, ElementType type) {
        return new ValueInfo(name, type, null);
    }

    public String name() {
        return name;
    }

    public ElementType type() {
        return type;
    }

    /** The declared shape, or {@code null} when the rank is unknown. */
    public List<Dim> shape() {
        return shape;
    }

    void writeTo(ProtoWriter w) {
        w.string(OnnxFields.ValueInfo.NAME, name);
        w.message(OnnxFields.ValueInfo.TYPE, typeProto ->
                typeProto.message(OnnxFields.Type.TENSOR_TYPE, tensorType -> {
                    tensorType.int32(OnnxFields.TensorType.ELEM_TYPE, type.code());
                    if (shape != null) {
                        tensorType.message(OnnxFields.TensorType.SHAPE, shapeProto -> {
                            for (Dim d : shape) {
                                shapeProto.message(OnnxFields.TensorShape.DIM, d::writeTo);
                            }
                        });
                    }
                }));
    }

    @Override
    public String toString() {
        return name + ": " + type + (shape == null ? "[?]" : shape.toString());
    }
}
