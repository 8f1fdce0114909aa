package dev.genloom.zoo.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProtoWriterTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void varintEdgeCases() {
        assertArrayEquals(bytes(0x00), ProtoWriter.varint(0));
        assertArrayEquals(bytes(0x01), ProtoWriter.varint(1));
        assertArrayEquals(bytes(0x7F), ProtoWriter.varint(127));
        assertArrayEquals(bytes(0x80, 0x01), ProtoWriter.varint(128));
        assertArrayEquals(bytes(0xAC, 0x02), ProtoWriter.varint(300));
        assertArrayEquals(bytes(0xFF, 0x7F), ProtoWriter.varint(16383));
        assertArrayEquals(bytes(0x80, 0x80, 0x01), ProtoWriter.varint(16384));
        assertArrayEquals(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x07), ProtoWriter.varint(Integer.MAX_VALUE));
        assertArrayEquals(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), ProtoWriter.varint(Long.MAX_VALUE));
    }

    @Test
    void negativeInt64TakesTenBytes() {
        assertArrayEquals(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), ProtoWriter.varint(-1));
        assertArrayEquals(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), ProtoWriter.varint(Long.MIN_VALUE));
        assertArrayEquals(bytes(0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), ProtoWriter.varint(-2));
        assertEquals(10, ProtoWriter.varintSize(-1));
        assertEquals(1, ProtoWriter.varintSize(0));
        assertEquals(2, ProtoWriter.varintSize(300));
    }

    @Test
    void int32FieldSignExtendsNegativeValues() {
        // field 1, varint: key 0x08, then -1 as a 64-bit two's complement varint
        assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new ProtoWriter().int32(1, -1).toByteArray());
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().int32(1, 150).toByteArray());
    }

    @Test
    void tags() {
        assertArrayEquals(bytes(0x08), new ProtoWriter().writeTag(1, ProtoWriter.VARINT).toByteArray());
        assertArrayEquals(bytes(0x12), new ProtoWriter().writeTag(2, ProtoWriter.LEN).toByteArray());
        assertArrayEquals(bytes(0x7D), new ProtoWriter().writeTag(15, ProtoWriter.I32).toByteArray());
        // field 16 needs a two-byte key; field 20 (AttributeProto.type) is 0xA0 0x01
        assertArrayEquals(bytes(0x80, 0x01), new ProtoWriter().writeTag(16, ProtoWriter.VARINT).toByteArray());
        assertArrayEquals(bytes(0xA0, 0x01), new ProtoWriter().writeTag(20, ProtoWriter.VARINT).toByteArray());
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeTag(0, ProtoWriter.VARINT));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeTag(1 << 29, ProtoWriter.VARINT));
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().writeTag(1, 3));
    }

    @Test
    void lengthDelimited() {
        assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
                new ProtoWriter().string(2, "testing").toByteArray());
        assertArrayEquals(bytes(0x12, 0x00), new ProtoWriter().string(2, "").toByteArray());
        // UTF-8: "é" is two bytes
        assertArrayEquals(bytes(0x0A, 0x02, 0xC3, 0xA9), new ProtoWriter().string(1, "é").toByteArray());
        // the protobuf guide's embedded message example: field 3 holding {1: 150}
        assertArrayEquals(bytes(0x1A, 0x03, 0x08, 0x96, 0x01),
                new ProtoWriter().message(3, m -> m.int64(1, 150)).toByteArray());
        assertArrayEquals(bytes(0x1A, 0x00), new ProtoWriter().message(3, m -> { }).toByteArray());
    }

    @Test
    void longPayloadHasMultiByteLength() {
        byte[] payload = new byte[300];
        byte[] out = new ProtoWriter().bytes(9, payload).toByteArray();
        assertEquals(1 + 2 + 300, out.length);
        assertEquals(0x4A, out[0] & 0xFF);
        assertEquals(0xAC, out[1] & 0xFF);
        assertEquals(0x02, out[2] & 0xFF);
    }

    @Test
    void fixedWidthIsLittleEndian() {
        assertArrayEquals(bytes(0x0D, 0x78, 0x56, 0x34, 0x12), new ProtoWriter().fixed32(1, 0x12345678).toByteArray());
        assertArrayEquals(bytes(0x09, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01),
                new ProtoWriter().fixed64(1, 0x0102030405060708L).toByteArray());
        // 1.0f = 0x3F800000
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().float32(2, 1.0f).toByteArray());
        // 1.0 = 0x3FF0000000000000
        assertArrayEquals(bytes(0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F), new ProtoWriter().float64(1, 1.0).toByteArray());
    }

    @Test
    void packedRepeated() {
        // the protobuf guide's packed example: field 4 holding 3, 270, 86942
        assertArrayEquals(bytes(0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05),
                new ProtoWriter().packedInt64(4, new long[] {3, 270, 86942}).toByteArray());
        assertArrayEquals(bytes(0x0A, 0x0B, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new ProtoWriter().packedInt32(1, new int[] {1, -1}).toByteArray());
        assertArrayEquals(bytes(0x3A, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0),
                new ProtoWriter().packedFloat(7, new float[] {1f, -2f}).toByteArray());
        assertArrayEquals(new byte[0], new ProtoWriter().packedInt64(1, new long[0]).toByteArray());
        assertArrayEquals(new byte[0], new ProtoWriter().packedFloat(1, new float[0]).toByteArray());
    }

    @Test
    void growsPastInitialCapacity() {
        ProtoWriter w = new ProtoWriter(16);
        for (int i = 0; i < 10_000; i++) {
            w.int64(1, i);
        }
        assertEquals(w.size(), w.toByteArray().length);
        assertEquals(1 + 1, new ProtoWriter().int64(1, 0).size());
    }
}
