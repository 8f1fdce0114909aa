package dev.genloom.zoo.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-exact encodings of small ONNX messages, and the builder's argument checks. */
class OnnxEncodingTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] encode(java.util.function.Consumer<ProtoWriter> body) {
        ProtoWriter w = new ProtoWriter();
        body.accept(w);
        return w.toByteArray();
    }

    @Test
    void tensorProto() {
        Tensor t = Tensor.int64s(new long[] {1, -1}, 2).named("k");
        assertArrayEquals(bytes(
                        0x0A, 0x01, 0x02,                       // dims: packed [2]
                        0x10, 0x07,                             // data_type: INT64
                        0x42, 0x01, 'k',                        // name
                        0x4A, 0x10,                             // raw_data: 16 bytes, little-endian
                        0x01, 0, 0, 0, 0, 0, 0, 0,
                        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
                encode(t::writeTo));
        // a scalar has no dims field
        assertArrayEquals(bytes(0x10, 0x01, 0x4A, 0x04, 0x00, 0x00, 0x80, 0x3F),
                encode(Tensor.floatScalar(1f)::writeTo));
        // float16 1.0 = 0x3C00, little-endian
        assertArrayEquals(bytes(0x0A, 0x01, 0x01, 0x10, 0x0A, 0x4A, 0x02, 0x00, 0x3C),
                encode(Tensor.float16(new float[] {1f})::writeTo));
    }

    @Test
    void valueInfoProto() {
        assertArrayEquals(bytes(
                        0x0A, 0x01, 'x',                        // name
                        0x12, 0x0F,                             // type
                        0x0A, 0x0D,                             //   tensor_type
                        0x08, 0x01,                             //     elem_type FLOAT
                        0x12, 0x09,                             //     shape
                        0x0A, 0x03, 0x12, 0x01, 'n',            //       dim { dim_param: "n" }
                        0x0A, 0x02, 0x08, 0x04),                //       dim { dim_value: 4 }
                encode(ValueInfo.of("x", ElementType.FLOAT, "n", 4)::writeTo));
        // unknown rank: no shape at all; scalar: an empty shape
        assertArrayEquals(bytes(0x0A, 0x01, 'y', 0x12, 0x04, 0x0A, 0x02, 0x08, 0x09),
                encode(ValueInfo.unknownShape("y", ElementType.BOOL)::writeTo));
        assertArrayEquals(bytes(0x0A, 0x01, 'y', 0x12, 0x06, 0x0A, 0x04, 0x08, 0x09, 0x12, 0x00),
                encode(ValueInfo.of("y", ElementType.BOOL)::writeTo));
    }

    @Test
    void attributeProto() {
        assertArrayEquals(bytes(0x0A, 0x04, 'a', 'x', 'i', 's', 0x18,
                        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0xA0, 0x01, 0x02),
                encode(Attribute.of("axis", -1)::writeTo));
        assertArrayEquals(bytes(0x0A, 0x01, 'e', 0x15, 0x00, 0x00, 0x80, 0x3F, 0xA0, 0x01, 0x01),
                encode(Attribute.of("e", 1.0f)::writeTo));
        assertArrayEquals(bytes(0x0A, 0x01, 'p', 0x42, 0x02, 0x01, 0x00, 0xA0, 0x01, 0x07),
                encode(Attribute.ints("p", 1, 0)::writeTo));
        assertArrayEquals(bytes(0x0A, 0x01, 's', 0x22, 0x02, 'h', 'i', 0xA0, 0x01, 0x03),
                encode(Attribute.of("s", "hi")::writeTo));
    }

    @Test
    void modelProtoSkeleton() {
        Graph g = new Graph("g");
        byte[] model = new OnnxModel(g).opset(17).producer("", "").toBytes();
        assertArrayEquals(bytes(
                        0x08, 0x08,                             // ir_version 8
                        0x3A, 0x03, 0x12, 0x01, 'g',            // graph { name: "g" }
                        0x42, 0x02, 0x10, 0x11),                // opset_import { version: 17 }
                model);
        // the default opset is the ONNX domain at 17; the producer is named
        assertEquals(Long.valueOf(17), new OnnxModel(g).opsets().get(""));
        byte[] withCustomDomain = new OnnxModel(g).producer("", "").opset("com.microsoft", 1).toBytes();
        assertArrayEquals(bytes(0x08, 0x08, 0x3A, 0x03, 0x12, 0x01, 'g',
                        0x42, 0x11, 0x0A, 0x0D, 'c', 'o', 'm', '.', 'm', 'i', 'c', 'r', 'o', 's', 'o', 'f', 't', 0x10, 0x01),
                withCustomDomain);
    }

    @Test
    void tensorFactoriesCheckShapes() {
        assertArrayEquals(new long[] {3}, Tensor.floats(new float[] {1, 2, 3}).dims());
        assertArrayEquals(new long[0], Tensor.int64Scalar(4).dims());
        assertArrayEquals(new long[] {0, 4}, Tensor.floats(new float[0], 0, 4).dims());
        assertEquals(1, Tensor.boolScalar(true).elementCount());
        assertThrows(IllegalArgumentException.class, () -> Tensor.floats(new float[] {1, 2, 3}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.int32s(new int[] {1}, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.raw(ElementType.INT32, new byte[3]));
        assertArrayEquals(bytes(0x01, 0x00, 0x01), Tensor.bools(new boolean[] {true, false, true}).rawData());
    }

    @Test
    void graphRefusesClashingNames() {
        Graph g = new Graph("g");
        g.input("x", ElementType.FLOAT, "n");
        g.initializer("w", Tensor.floatScalar(1f));
        g.node("Mul", List.of("x", "w"), List.of("y"));
        assertThrows(IllegalArgumentException.class, () -> g.input("x", ElementType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> g.initializer("w", Tensor.floatScalar(2f)));
        assertThrows(IllegalArgumentException.class, () -> g.node("Neg", "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> g.node("Neg", "y", "x"));
        assertThrows(IllegalArgumentException.class, () -> g.input("z", ElementType.FLOAT, 1.5));
        assertThrows(IllegalArgumentException.class, () -> g.node("Neg", "y", "z").attr(Attribute.of("a", 1), Attribute.of("a", 2)));
        assertEquals("Mul_0", g.nodes().get(0).name());
    }
}
