package dev.genloom.zoo.onnx;

/**
 * ONNX tensor element types ({@code TensorProto.DataType}) with their numeric codes.
 */
public enum ElementType {
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    INT32(6, 4),
    INT64(7, 8),
    /** Variable-length UTF-8 strings; tensors of this type carry no raw data. */
    STRING(8, 0),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8);

    private final int code;
    private final int byteSize;

    ElementType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** The {@code TensorProto.DataType} number. */
    public int code() {
        return code;
    }

    /** Bytes per element in {@code raw_data}; 0 for {@link #STRING}. */
    public int byteSize() {
        return byteSize;
    }

    /** The element type with ONNX code {@code code}. */
    public static ElementType ofCode(int code) {
        for (ElementType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported ONNX element type code: " + code);
    }
}
