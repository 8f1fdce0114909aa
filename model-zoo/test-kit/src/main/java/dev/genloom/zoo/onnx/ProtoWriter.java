package dev.genloom.zoo.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A minimal protocol buffers encoder: varints, tags, length-delimited fields, fixed-width
 * little-endian fields and packed repeated fields. It knows nothing of ONNX; the ONNX messages
 * in this package are written through it.
 *
 * <p>Field methods always write the field, default values included; leaving a field out is the
 * caller's decision. Integers given to {@link #int32} and {@link #int64} are written as the
 * protobuf {@code int32}/{@code int64} types are: negative numbers take ten bytes.
 */
public final class ProtoWriter {

    /** Wire type of varint fields (int32, int64, uint64, bool, enum). */
    public static final int VARINT = 0;
    /** Wire type of 64-bit little-endian fields (fixed64, double). */
    public static final int I64 = 1;
    /** Wire type of length-delimited fields (string, bytes, messages, packed repeated). */
    public static final int LEN = 2;
    /** Wire type of 32-bit little-endian fields (fixed32, float). */
    public static final int I32 = 5;

    /** The largest field number protobuf allows. */
    public static final int MAX_FIELD_NUMBER = (1 << 29) - 1;

    private byte[] buf;
    private int size;

    public ProtoWriter() {
        this(64);
    }

    public ProtoWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    // ---------------------------------------------------------------- raw encoding

    /** Appends {@code value} as an unsigned base-128 varint (1 to 10 bytes). */
    public ProtoWriter writeVarint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
        return this;
    }

    /** Appends a field key: {@code (field << 3) | wireType}. */
    public ProtoWriter writeTag(int field, int wireType) {
        if (field < 1 || field > MAX_FIELD_NUMBER) {
            throw new IllegalArgumentException("protobuf field number out of range 1.." + MAX_FIELD_NUMBER + ": " + field);
        }
        if (wireType != VARINT && wireType != I64 && wireType != LEN && wireType != I32) {
            throw new IllegalArgumentException("unsupported protobuf wire type: " + wireType);
        }
        return writeVarint(((long) field << 3) | wireType);
    }

    /** Appends four bytes, little-endian. */
    public ProtoWriter writeFixed32(int value) {
        ensure(4);
        buf[size++] = (byte) value;
        buf[size++] = (byte) (value >>> 8);
        buf[size++] = (byte) (value >>> 16);
        buf[size++] = (byte) (value >>> 24);
        return this;
    }

    /** Appends eight bytes, little-endian. */
    public ProtoWriter writeFixed64(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** Appends bytes as they are. */
    public ProtoWriter writeRaw(byte[] bytes) {
        return writeRaw(bytes, 0, bytes.length);
    }

    /** Appends {@code length} bytes of {@code bytes} from {@code offset}, as they are. */
    public ProtoWriter writeRaw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, size, length);
        size += length;
        return this;
    }

    // ---------------------------------------------------------------- fields

    /** An {@code int64} / {@code uint64} field. */
    public ProtoWriter int64(int field, long value) {
        return writeTag(field, VARINT).writeVarint(value);
    }

    /** An {@code int32} or enum field; negative values are sign-extended to 64 bits (10 bytes). */
    public ProtoWriter int32(int field, int value) {
        return int64(field, value);
    }

    /** A {@code bool} field. */
    public ProtoWriter bool(int field, boolean value) {
        return int64(field, value ? 1 : 0);
    }

    /** A {@code fixed32} / {@code sfixed32} field. */
    public ProtoWriter fixed32(int field, int value) {
        return writeTag(field, I32).writeFixed32(value);
    }

    /** A {@code fixed64} / {@code sfixed64} field. */
    public ProtoWriter fixed64(int field, long value) {
        return writeTag(field, I64).writeFixed64(value);
    }

    /** A {@code float} field (IEEE-754 single, little-endian). */
    public ProtoWriter float32(int field, float value) {
        return fixed32(field, Float.floatToRawIntBits(value));
    }

    /** A {@code double} field (IEEE-754 double, little-endian). */
    public ProtoWriter float64(int field, double value) {
        return fixed64(field, Double.doubleToRawLongBits(value));
    }

    /** A {@code bytes} field. */
    public ProtoWriter bytes(int field, byte[] value) {
        writeTag(field, LEN).writeVarint(value.length);
        return writeRaw(value);
    }

    /** A {@code string} field, UTF-8. */
    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An embedded message field whose body has already been written into {@code message}. */
    public ProtoWriter message(int field, ProtoWriter message) {
        writeTag(field, LEN).writeVarint(message.size);
        return writeRaw(message.buf, 0, message.size);
    }

    /** An embedded message field whose body {@code body} writes. An empty body is still written. */
    public ProtoWriter message(int field, Consumer<ProtoWriter> body) {
        ProtoWriter nested = new ProtoWriter();
        body.accept(nested);
        return message(field, nested);
    }

    /** A packed repeated varint field ({@code int64}, {@code uint64}); nothing when empty. */
    public ProtoWriter packedInt64(int field, long[] values) {
        if (values.length == 0) {
            return this;
        }
        int length = 0;
        for (long v : values) {
            length += varintSize(v);
        }
        writeTag(field, LEN).writeVarint(length);
        for (long v : values) {
            writeVarint(v);
        }
        return this;
    }

    /** A packed repeated {@code int32} field (negative values take ten bytes); nothing when empty. */
    public ProtoWriter packedInt32(int field, int[] values) {
        long[] wide = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return packedInt64(field, wide);
    }

    /** A packed repeated {@code float} field; nothing when empty. */
    public ProtoWriter packedFloat(int field, float[] values) {
        if (values.length == 0) {
            return this;
        }
        writeTag(field, LEN).writeVarint(4L * values.length);
        for (float v : values) {
            writeFixed32(Float.floatToRawIntBits(v));
        }
        return this;
    }

    /** A packed repeated {@code double} field; nothing when empty. */
    public ProtoWriter packedDouble(int field, double[] values) {
        if (values.length == 0) {
            return this;
        }
        writeTag(field, LEN).writeVarint(8L * values.length);
        for (double v : values) {
            writeFixed64(Double.doubleToRawLongBits(v));
        }
        return this;
    }

    // ---------------------------------------------------------------- output

    /** Number of bytes written so far. */
    public int size() {
        return size;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Writes the bytes written so far to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
    }

    /** Number of bytes {@code value} takes as a varint (1 to 10). */
    public static int varintSize(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /** {@code value} encoded as a varint. */
    public static byte[] varint(long value) {
        return new ProtoWriter(16).writeVarint(value).toByteArray();
    }

    private void ensure(int extra) {
        long needed = (long) size + extra;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("protobuf message larger than 2 GiB");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8L, 2L * buf.length)));
        }
    }
}
