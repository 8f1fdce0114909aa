package dev.genloom.runtime.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-only: writes one-node ONNX models byte by byte with a minimal protobuf encoder, so that
 * session tests need no model files. (The project's real ONNX writer lives in model-zoo.)
 */
final class TinyOnnx {
    private static final int FLOAT = 1;

    private TinyOnnx() {
    }

    /** {@code z = x + y}, all float vectors of a dynamic length {@code n}. */
    static Path writeAdd(Path file) throws IOException {
        Msg graph = new Msg()
                .msg(1, node("Add", "x", "y", "z"))
                .str(2, "add")
                .msg(11, floatVector("x"))
                .msg(11, floatVector("y"))
                .msg(12, floatVector("z"));
        Files.write(file, model(graph));
        return file;
    }

    /**
     * {@code z = x + w} for float vectors of length 4, the weights {@code w} lying in an external
     * data file beside the model ({@code <model>_data}).
     */
    static Path writeAddExternal(Path file, float[] weights) throws IOException {
        String dataName = file.getFileName() + "_data";
        ByteBuffer data = ByteBuffer.allocate(weights.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float w : weights) {
            data.putFloat(w);
        }
        Files.write(file.resolveSibling(dataName), data.array());
        Msg tensor = new Msg()
                .varint(1, weights.length)          // dims
                .varint(2, FLOAT)                   // data_type
                .str(8, "w")                        // name
                .msg(13, new Msg().str(1, "location").str(2, dataName))
                .msg(13, new Msg().str(1, "offset").str(2, "0"))
                .msg(13, new Msg().str(1, "length").str(2, Integer.toString(weights.length * 4)))
                .varint(14, 1);                     // data_location = EXTERNAL
        Msg graph = new Msg()
                .msg(1, node("Add", "x", "w", "z"))
                .str(2, "add_external")
                .msg(5, tensor)
                .msg(11, fixedFloatVector("x", weights.length))
                .msg(12, fixedFloatVector("z", weights.length));
        Files.write(file, model(graph));
        return file;
    }

    private static byte[] model(Msg graph) {
        return new Msg()
                .varint(1, 8)                                   // ir_version
                .str(2, "genloom-test")                         // producer_name
                .msg(7, graph)
                .msg(8, new Msg().str(1, "").varint(2, 13))     // opset_import: default domain, 13
                .bytes();
    }

    private static Msg node(String op, String a, String b, String out) {
        return new Msg().str(1, a).str(1, b).str(2, out).str(3, op.toLowerCase()).str(4, op);
    }

    private static Msg floatVector(String name) {
        Msg shape = new Msg().msg(1, new Msg().str(2, "n"));
        return valueInfo(name, shape);
    }

    private static Msg fixedFloatVector(String name, int length) {
        Msg shape = new Msg().msg(1, new Msg().varint(1, length));
        return valueInfo(name, shape);
    }

    private static Msg valueInfo(String name, Msg shape) {
        Msg tensorType = new Msg().varint(1, FLOAT).msg(2, shape);
        return new Msg().str(1, name).msg(2, new Msg().msg(1, tensorType));
    }

    /** A protobuf message: varint and length-delimited fields only. */
    private static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Msg varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Msg str(int field, String value) {
            return len(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Msg msg(int field, Msg value) {
            return len(field, value.bytes());
        }

        private Msg len(int field, byte[] value) {
            raw(((long) field << 3) | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
