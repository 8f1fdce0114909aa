package dev.genloom.zoo.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable ONNX tensor value ({@code TensorProto}): element type, shape and data, which is
 * held as little-endian {@code raw_data} (or as {@code string_data} for {@link ElementType#STRING}).
 *
 * <p>The array factories take the shape as trailing {@code dims}; with no dims the tensor is
 * one-dimensional, {@code [values.length]}. The {@code ...Scalar} factories make tensors of
 * shape {@code []}. A tensor has a name only where it is an initializer; {@link #named} gives a
 * named copy, and {@link Graph#initializer(String, Tensor)} names it for you.
 */
public final class Tensor {

    private final String name;
    private final ElementType type;
    private final long[] dims;
    private final byte[] raw;
    private final List<String> strings;
    private final ExternalLocation external;

    /** Where the data of an external tensor lies: a file next to the model, an offset and a length in bytes. */
    public record ExternalLocation(String location, long offset, long length) {
    }

    private Tensor(String name, ElementType type, long[] dims, byte[] raw, List<String> strings) {
        this(name, type, dims, raw, strings, null);
    }

    private Tensor(String name, ElementType type, long[] dims, byte[] raw, List<String> strings, ExternalLocation external) {
        this.name = name;
        this.type = type;
        this.dims = dims;
        this.raw = raw;
        this.strings = strings;
        this.external = external;
    }

    /**
     * A tensor whose data is stored outside the model ({@code data_location: EXTERNAL}), in the
     * file {@code location} (relative to the model file) at {@code offset}, {@code length} bytes,
     * as {@code onnx.save_model(..., save_as_external_data=True)} writes it.
     */
    public static Tensor external(ElementType type, long[] dims, ExternalLocation where) {
        if (type == ElementType.STRING) {
            throw new IllegalArgumentException("string tensors cannot be stored as external data");
        }
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n * type.byteSize() != where.length()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " of " + type + " needs "
                    + n * type.byteSize() + " bytes, not " + where.length());
        }
        return new Tensor(null, type, dims.clone(), new byte[0], List.of(), where);
    }

    // ---------------------------------------------------------------- factories

    /** A float32 tensor. */
    public static Tensor floats(float[] values, long... dims) {
        ByteBuffer b = buffer(values.length, ElementType.FLOAT);
        for (float v : values) {
            b.putFloat(v);
        }
        return of(ElementType.FLOAT, b.array(), values.length, dims);
    }

    /** A float16 tensor from float values, each rounded to the nearest half (ties to even). */
    public static Tensor float16(float[] values, long... dims) {
        short[] bits = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float16.fromFloat(values[i]);
        }
        return float16Bits(bits, dims);
    }

    /** A float16 tensor from raw binary16 bit patterns. */
    public static Tensor float16Bits(short[] bits, long... dims) {
        ByteBuffer b = buffer(bits.length, ElementType.FLOAT16);
        for (short v : bits) {
            b.putShort(v);
        }
        return of(ElementType.FLOAT16, b.array(), bits.length, dims);
    }

    /** A float64 tensor. */
    public static Tensor doubles(double[] values, long... dims) {
        ByteBuffer b = buffer(values.length, ElementType.DOUBLE);
        for (double v : values) {
            b.putDouble(v);
        }
        return of(ElementType.DOUBLE, b.array(), values.length, dims);
    }

    /** An int32 tensor. */
    public static Tensor int32s(int[] values, long... dims) {
        ByteBuffer b = buffer(values.length, ElementType.INT32);
        for (int v : values) {
            b.putInt(v);
        }
        return of(ElementType.INT32, b.array(), values.length, dims);
    }

    /** An int64 tensor. */
    public static Tensor int64s(long[] values, long... dims) {
        ByteBuffer b = buffer(values.length, ElementType.INT64);
        for (long v : values) {
            b.putLong(v);
        }
        return of(ElementType.INT64, b.array(), values.length, dims);
    }

    /** A bool tensor (one byte per element, 0 or 1). */
    public static Tensor bools(boolean[] values, long... dims) {
        byte[] raw = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            raw[i] = (byte) (values[i] ? 1 : 0);
        }
        return of(ElementType.BOOL, raw, values.length, dims);
    }

    /** A uint8 tensor (bytes read as unsigned). */
    public static Tensor uint8s(byte[] values, long... dims) {
        return of(ElementType.UINT8, values.clone(), values.length, dims);
    }

    /** An int8 tensor. */
    public static Tensor int8s(byte[] values, long... dims) {
        return of(ElementType.INT8, values.clone(), values.length, dims);
    }

    /** A string tensor (written as {@code string_data}, UTF-8). */
    public static Tensor strings(String[] values, long... dims) {
        long[] shape = shape(values.length, dims);
        for (String s : values) {
            Objects.requireNonNull(s, "string tensor element");
        }
        return new Tensor(null, ElementType.STRING, shape, new byte[0], List.of(values));
    }

    /**
     * A tensor of {@code type} from its little-endian {@code raw_data} bytes.
     * Not for {@link ElementType#STRING}.
     */
    public static Tensor raw(ElementType type, byte[] littleEndian, long... dims) {
        if (type == ElementType.STRING) {
            throw new IllegalArgumentException("string tensors have no raw data; use Tensor.strings");
        }
        if (littleEndian.length % type.byteSize() != 0) {
            throw new IllegalArgumentException(littleEndian.length + " bytes is not a whole number of "
                    + type + " elements (" + type.byteSize() + " bytes each)");
        }
        return of(type, littleEndian.clone(), littleEndian.length / type.byteSize(), dims);
    }

    /** A float32 scalar (shape {@code []}). */
    public static Tensor floatScalar(float value) {
        return floats(new float[] {value}).asScalar();
    }

    /** A float16 scalar (shape {@code []}). */
    public static Tensor float16Scalar(float value) {
        return float16(new float[] {value}).asScalar();
    }

    /** A float64 scalar (shape {@code []}). */
    public static Tensor doubleScalar(double value) {
        return doubles(new double[] {value}).asScalar();
    }

    /** An int32 scalar (shape {@code []}). */
    public static Tensor int32Scalar(int value) {
        return int32s(new int[] {value}).asScalar();
    }

    /** An int64 scalar (shape {@code []}). */
    public static Tensor int64Scalar(long value) {
        return int64s(new long[] {value}).asScalar();
    }

    /** A uint8 scalar (shape {@code []}), {@code value} in {@code [0, 255]}. */
    public static Tensor uint8Scalar(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("not a uint8: " + value);
        }
        return uint8s(new byte[] {(byte) value}).asScalar();
    }

    /** A bool scalar (shape {@code []}). */
    public static Tensor boolScalar(boolean value) {
        return bools(new boolean[] {value}).asScalar();
    }

    // ---------------------------------------------------------------- accessors

    /** A copy of this tensor with the given name. */
    public Tensor named(String newName) {
        Objects.requireNonNull(newName, "name");
        return new Tensor(newName, type, dims, raw, strings, external);
    }

    /** Where the data lies when it is external, else {@code null}. */
    public ExternalLocation externalLocation() {
        return external;
    }

    /** The name, or {@code null} when unnamed. */
    public String name() {
        return name;
    }

    public ElementType type() {
        return type;
    }

    /** The shape; empty for a scalar. */
    public long[] dims() {
        return dims.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** A copy of the little-endian element bytes (empty for string tensors). */
    public byte[] rawData() {
        return raw.clone();
    }

    /** The elements of a string tensor; empty for other types. */
    public List<String> stringData() {
        return strings;
    }

    void writeTo(ProtoWriter w) {
        writeHeaderTo(w);
        if (type != ElementType.STRING && external == null) {
            // written even when empty, so that a zero-element tensor still says where its data is
            w.bytes(OnnxFields.Tensor.RAW_DATA, raw);
        }
    }

    /** Every field but {@code raw_data}: what {@link OnnxModel#write} encodes before streaming the data. */
    void writeHeaderTo(ProtoWriter w) {
        w.packedInt64(OnnxFields.Tensor.DIMS, dims);
        w.int32(OnnxFields.Tensor.DATA_TYPE, type.code());
        for (String s : strings) {
            w.string(OnnxFields.Tensor.STRING_DATA, s);
        }
        if (name != null && !name.isEmpty()) {
            w.string(OnnxFields.Tensor.NAME, name);
        }
        if (external != null) {
            externalEntry(w, "location", external.location());
            externalEntry(w, "offset", Long.toString(external.offset()));
            externalEntry(w, "length", Long.toString(external.length()));
            w.int32(OnnxFields.Tensor.DATA_LOCATION, OnnxFields.Tensor.LOCATION_EXTERNAL);
        }
    }

    private static void externalEntry(ProtoWriter w, String key, String value) {
        w.message(OnnxFields.Tensor.EXTERNAL_DATA, e -> e
                .string(OnnxFields.StringStringEntry.KEY, key)
                .string(OnnxFields.StringStringEntry.VALUE, value));
    }

    /** The {@code raw_data} bytes themselves, not copied (callers must not change them); null for strings. */
    byte[] rawView() {
        return type == ElementType.STRING || external != null ? null : raw;
    }

    @Override
    public String toString() {
        return "Tensor[" + (name == null ? "" : name + " ") + type + " " + Arrays.toString(dims) + "]";
    }

    // ---------------------------------------------------------------- helpers

    private Tensor asScalar() {
        return new Tensor(name, type, new long[0], raw, strings, external);
    }

    private static ByteBuffer buffer(int count, ElementType type) {
        return ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Tensor of(ElementType type, byte[] raw, int count, long[] dims) {
        return new Tensor(null, type, shape(count, dims), raw, List.of());
    }

    private static long[] shape(int count, long[] dims) {
        if (dims.length == 0) {
            return new long[] {count};
        }
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in tensor shape " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " holds " + n
                    + " elements but " + count + " values were given");
        }
        return dims.clone();
    }
}
