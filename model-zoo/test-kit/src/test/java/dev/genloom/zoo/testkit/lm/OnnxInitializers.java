package dev.genloom.zoo.testkit.lm;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: reads the initializers of a model file's top-level graph straight from the
 * protobuf bytes ({@code ModelProto.graph = 7}, {@code GraphProto.initializer = 5},
 * {@code TensorProto.data_type = 2}, {@code TensorProto.name = 8}), independently of the writer.
 */
final class OnnxInitializers {

    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;

    private OnnxInitializers() {
    }

    /** Initializer name to ONNX data type, in file order. */
    static Map<String, Integer> types(byte[] model) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Reader m = new Reader(model, 0, model.length);
        while (m.more()) {
            int key = (int) m.varint();
            if (key >>> 3 == 7 && (key & 7) == 2) {
                Reader g = m.sub();
                while (g.more()) {
                    int gk = (int) g.varint();
                    if (gk >>> 3 == 5 && (gk & 7) == 2) {
                        Reader t = g.sub();
                        String name = null;
                        int type = 0;
                        while (t.more()) {
                            int tk = (int) t.varint();
                            if (tk >>> 3 == 2 && (tk & 7) == 0) {
                                type = (int) t.varint();
                            } else if (tk >>> 3 == 8 && (tk & 7) == 2) {
                                Reader s = t.sub();
                                name = new String(s.bytes, s.pos, s.end - s.pos, StandardCharsets.UTF_8);
                            } else {
                                t.skip(tk & 7);
                            }
                        }
                        out.put(name, type);
                    } else {
                        g.skip(gk & 7);
                    }
                }
            } else {
                m.skip(key & 7);
            }
        }
        return out;
    }

    private static final class Reader {
        final byte[] bytes;
        int pos;
        final int end;

        Reader(byte[] bytes, int pos, int end) {
            this.bytes = bytes;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = bytes[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
        }

        Reader sub() {
            int n = (int) varint();
            Reader r = new Reader(bytes, pos, pos + n);
            pos += n;
            return r;
        }

        void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int n = (int) varint();
                    pos += n;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalStateException("wire type " + wireType + " at " + pos);
            }
        }
    }
}
