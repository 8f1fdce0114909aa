package dev.genloom.plugins.diffusion.upscale;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The declared inputs and outputs of an ONNX file, read from its protobuf without loading it:
 * only the graph's {@code input}, {@code output} and initializer names are parsed; everything else
 * (nodes, weights) is skipped by seeking, so a peek costs a few reads even for a large file. Used
 * by recognition, which must be cheap and must not open sessions. Inputs that are initializers
 * (old exports list weights as inputs) are left out, as ONNX Runtime leaves them out.
 */
final class OnnxPeek {
    /** ONNX {@code TensorProto.DataType} FLOAT. */
    static final int FLOAT = 1;
    /** ONNX {@code TensorProto.DataType} FLOAT16. */
    static final int FLOAT16 = 10;

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int TENSOR_NAME = 8;

    /** One declared tensor: its name, ONNX element type (0 unknown) and dims (-1 where dynamic or unknown). */
    record Value(String name, int elementType, long[] dims) {
        boolean floating() {
            return elementType == FLOAT || elementType == FLOAT16;
        }
    }

    /** What the graph declares. */
    record Peek(List<Value> inputs, List<Value> outputs) {
    }

    private final RandomAccessFile file;
    private final byte[] buf = new byte[8192];
    private long bufStart;
    private int bufLen;
    private long pos;

    private OnnxPeek(RandomAccessFile file) {
        this.file = file;
    }

    /** Reads the declared inputs and outputs of {@code onnx}. */
    static Peek read(Path onnx) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(onnx.toFile(), "r")) {
            return new OnnxPeek(f).model(f.length());
        }
    }

    private Peek model(long end) throws IOException {
        List<Value> inputs = new ArrayList<>();
        List<Value> outputs = new ArrayList<>();
        Set<String> initializers = new HashSet<>();
        while (pos < end) {
            long key = varint();
            int field = (int) (key >>> 3);
            if (field == MODEL_GRAPH && (key & 7) == 2) {
                long graphEnd = limit();
                graph(graphEnd, inputs, outputs, initializers);
                pos = graphEnd;
            } else {
                skip(key);
            }
        }
        inputs.removeIf(v -> initializers.contains(v.name()));
        return new Peek(inputs, outputs);
    }

    private void graph(long end, List<Value> inputs, List<Value> outputs, Set<String> initializers) throws IOException {
        while (pos < end) {
            long key = varint();
            int field = (int) (key >>> 3);
            if ((key & 7) != 2 || (field != GRAPH_INPUT && field != GRAPH_OUTPUT && field != GRAPH_INITIALIZER)) {
                skip(key);
                continue;
            }
            long valueEnd = limit();
            if (field == GRAPH_INITIALIZER) {
                String name = tensorName(valueEnd);
                if (name != null) {
                    initializers.add(name);
                }
            } else {
                (field == GRAPH_INPUT ? inputs : outputs).add(valueInfo(valueEnd));
            }
            pos = valueEnd;
        }
    }

    private String tensorName(long end) throws IOException {
        while (pos < end) {
            long key = varint();
            if ((key >>> 3) == TENSOR_NAME && (key & 7) == 2) {
                return string();
            }
            skip(key);
        }
        return null;
    }

    /** ValueInfoProto: name (1), type (2: TypeProto, tensor_type 1: elem_type 1, shape 2: dim 1: value 1 / param 2). */
    private Value valueInfo(long end) throws IOException {
        String name = "";
        int type = 0;
        List<Long> dims = new ArrayList<>();
        while (pos < end) {
            long key = varint();
            int field = (int) (key >>> 3);
            if (field == 1 && (key & 7) == 2) {
                name = string();
            } else if (field == 2 && (key & 7) == 2) {
                long typeEnd = limit();
                while (pos < typeEnd) {
                    long k = varint();
                    if ((k >>> 3) == 1 && (k & 7) == 2) {
                        long tensorEnd = limit();
                        type = tensorType(tensorEnd, dims);
                        pos = tensorEnd;
                    } else {
                        skip(k);
                    }
                }
            } else {
                skip(key);
            }
        }
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
        }
        return new Value(name, type, d);
    }

    private int tensorType(long end, List<Long> dims) throws IOException {
        int type = 0;
        while (pos < end) {
            long key = varint();
            int field = (int) (key >>> 3);
            if (field == 1 && (key & 7) == 0) {
                type = (int) varint();
            } else if (field == 2 && (key & 7) == 2) {
                long shapeEnd = limit();
                while (pos < shapeEnd) {
                    long k = varint();
                    if ((k >>> 3) == 1 && (k & 7) == 2) {
                        long dimEnd = limit();
                        long value = -1;
                        while (pos < dimEnd) {
                            long dk = varint();
                            if ((dk >>> 3) == 1 && (dk & 7) == 0) {
                                value = varint();
                            } else {
                                skip(dk);
                            }
                        }
                        dims.add(value);
                    } else {
                        skip(k);
                    }
                }
            } else {
                skip(key);
            }
        }
        return type;
    }

    /** Reads a length and gives where the value it prefixes ends. */
    private long limit() throws IOException {
        long len = varint();
        return pos + len;
    }

    private void skip(long key) throws IOException {
        switch ((int) (key & 7)) {
            case 0 -> varint();
            case 1 -> pos += 8;
            case 2 -> {
                long len = varint();
                pos += len;
            }
            case 5 -> pos += 4;
            default -> throw new IOException("not an ONNX file: wire type " + (key & 7) + " at byte " + pos);
        }
    }

    private String string() throws IOException {
        int len = Math.toIntExact(varint());
        byte[] bytes = new byte[len];
        for (int i = 0; i < len; i++) {
            bytes[i] = (byte) next();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private long varint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = next();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("not an ONNX file: malformed varint at byte " + pos);
    }

    private int next() throws IOException {
        if (pos < bufStart || pos >= bufStart + bufLen) {
            file.seek(pos);
            bufStart = pos;
            bufLen = Math.max(0, file.read(buf));
            if (bufLen == 0) {
                throw new EOFException("the ONNX file ends at byte " + pos);
            }
        }
        return buf[(int) (pos++ - bufStart)] & 0xff;
    }
}
