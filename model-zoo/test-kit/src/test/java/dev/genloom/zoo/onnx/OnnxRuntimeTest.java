package dev.genloom.zoo.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models written by this package, loaded and run by ONNX Runtime. */
class OnnxRuntimeTest {

    private static final float EPS = 1e-5f;

    /** y = (x @ W + b) * 2 + 1, with x [batch, 2], W [2, 3], b [3]. */
    private static OnnxModel affine() {
        Graph g = new Graph("affine");
        g.input("x", ElementType.FLOAT, "batch", 2);
        g.initializer("W", Tensor.floats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        g.initializer("b", Tensor.floats(new float[] {0.5f, -0.5f, 1f}));
        g.initializer("two", Tensor.floatScalar(2f));
        g.initializer("one", Tensor.floatScalar(1f));
        g.node("MatMul", List.of("x", "W"), List.of("xw"));
        g.node("Add", List.of("xw", "b"), List.of("h"));
        g.node("Mul", List.of("h", "two"), List.of("h2"));
        g.node("Add", List.of("h2", "one"), List.of("y"));
        g.output("y", ElementType.FLOAT, "batch", 3);
        return new OnnxModel(g).opset(17);
    }

    @Test
    void addMulMatMulWithInitializers() throws OrtException {
        try (OrtSession s = Ort.session(affine());
             OrtSession.Result r = Ort.run(s, Ort.inputs("x", new float[][] {{1, 0}, {1, 1}, {-1, 2}}))) {
            float[] y = Ort.floats(r, "y");
            float[][] x = {{1, 0}, {1, 1}, {-1, 2}};
            float[][] w = {{1, 2, 3}, {4, 5, 6}};
            float[] b = {0.5f, -0.5f, 1f};
            float[] expected = new float[9];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    float acc = x[i][0] * w[0][j] + x[i][1] * w[1][j] + b[j];
                    expected[i * 3 + j] = acc * 2 + 1;
                }
            }
            assertArrayEquals(expected, y, EPS);
            assertArrayEquals(new long[] {3, 3}, Ort.shape(r, "y"));
        }
    }

    @Test
    void signatureAsOrtReportsIt() throws OrtException {
        Graph g = new Graph("signature");
        g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", ElementType.INT64, "batch_size", "sequence_length");
        g.input("pixels", ElementType.FLOAT16, "batch_size", 3, 4, 4);
        g.input("flag", ElementType.BOOL);
        g.input("ids32", ElementType.INT32, "n");
        g.node("Add", List.of("input_ids", "attention_mask"), List.of("logits"));
        g.node("Identity", "pixels", "pixels_out");
        g.node("Not", "flag", "not_flag");
        g.node("Identity", "ids32", "ids32_out");
        g.output("logits", ElementType.INT64, "batch_size", "sequence_length");
        g.output("pixels_out", ElementType.FLOAT16, "batch_size", 3, 4, 4);
        g.output("not_flag", ElementType.BOOL);
        g.output("ids32_out", ElementType.INT32, "n");
        try (OrtSession s = Ort.session(new OnnxModel(g).opset(17))) {
            assertEquals(List.of("input_ids", "attention_mask", "pixels", "flag", "ids32"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("logits", "pixels_out", "not_flag", "ids32_out"), List.copyOf(s.getOutputNames()));

            Map<String, NodeInfo> in = s.getInputInfo();
            TensorInfo ids = (TensorInfo) in.get("input_ids").getInfo();
            assertEquals(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, ids.onnxType);
            assertArrayEquals(new long[] {-1, -1}, ids.getShape());
            assertArrayEquals(new String[] {"batch_size", "sequence_length"}, ids.getDimensionNames());

            TensorInfo pixels = (TensorInfo) in.get("pixels").getInfo();
            assertEquals(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, pixels.onnxType);
            assertArrayEquals(new long[] {-1, 3, 4, 4}, pixels.getShape());
            assertEquals("batch_size", pixels.getDimensionNames()[0]);
            assertEquals("", pixels.getDimensionNames()[1]);

            TensorInfo flag = (TensorInfo) in.get("flag").getInfo();
            assertEquals(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, flag.onnxType);
            assertEquals(0, flag.getShape().length);

            TensorInfo ids32 = (TensorInfo) in.get("ids32").getInfo();
            assertEquals(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, ids32.onnxType);
            assertArrayEquals(new String[] {"n"}, ids32.getDimensionNames());

            TensorInfo logits = (TensorInfo) s.getOutputInfo().get("logits").getInfo();
            assertEquals(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, logits.onnxType);
            assertArrayEquals(new String[] {"batch_size", "sequence_length"}, logits.getDimensionNames());
        }
    }

    @Test
    void metadataAndProducerReachOrt() throws OrtException {
        OnnxModel m = affine().producer("genloom-test", "1.2.3").metadata("family", "affine").docString("a doc");
        try (OrtSession s = Ort.session(m)) {
            var meta = s.getMetadata();
            assertEquals("genloom-test", meta.getProducerName());
            assertEquals("affine", meta.getGraphName());
            assertEquals("a doc", meta.getDescription());
            assertEquals("affine", meta.getCustomMetadataValue("family").orElseThrow());
        }
    }

    /** y = cond ? x * 3 : x + 10, with a constant inside a branch and one from the outer graph. */
    private static OnnxModel ifModel() {
        Graph thenBranch = new Graph("then_branch");
        thenBranch.initializer("three", Tensor.floatScalar(3f));
        thenBranch.node("Mul", List.of("x", "three"), List.of("then_y"));
        thenBranch.output("then_y", ElementType.FLOAT, "n");

        Graph elseBranch = new Graph("else_branch");
        elseBranch.node("Add", List.of("x", "ten"), List.of("else_y"));
        elseBranch.output(ValueInfo.unknownShape("else_y", ElementType.FLOAT));

        Graph g = new Graph("branching");
        g.input("cond", ElementType.BOOL);
        g.input("x", ElementType.FLOAT, "n");
        g.initializer("ten", Tensor.floats(new float[] {10f}, 1));
        g.node("If", List.of("cond"), List.of("y"),
                Attribute.of("then_branch", thenBranch),
                Attribute.of("else_branch", elseBranch));
        g.output("y", ElementType.FLOAT, "n");
        return new OnnxModel(g).opset(17);
    }

    @Test
    void ifPicksTheBranchFromABoolInput() throws OrtException {
        try (OrtSession s = Ort.session(ifModel())) {
            float[] x = {1, 2, -3};
            try (OrtSession.Result r = Ort.run(s, Ort.inputs("cond", boolScalar(true), "x", x))) {
                assertArrayEquals(new float[] {3, 6, -9}, Ort.floats(r, "y"), EPS);
            }
            try (OrtSession.Result r = Ort.run(s, Ort.inputs("cond", boolScalar(false), "x", x))) {
                assertArrayEquals(new float[] {11, 12, 7}, Ort.floats(r, "y"), EPS);
            }
        }
    }

    private static OnnxTensor boolScalar(boolean value) throws OrtException {
        ByteBuffer b = ByteBuffer.allocateDirect(1).order(ByteOrder.nativeOrder());
        b.put(0, (byte) (value ? 1 : 0));
        return OnnxTensor.createTensor(Ort.ENV, b, new long[0], OnnxJavaType.BOOL);
    }

    @Test
    void float16InitializersGiveTheExpectedValues() throws OrtException {
        float[] weights = {1f, 0.1f, -2.5f, 65504f, 1e-7f, 0.333333f};
        Graph g = new Graph("fp16");
        g.input("x", ElementType.FLOAT16, 6);
        g.initializer("w", Tensor.float16(weights, 2, 3));
        g.node("Reshape", List.of("x", "shape"), List.of("x2"));
        g.initializer("shape", Tensor.int64s(new long[] {2, 3}));
        g.node("Add", List.of("x2", "w"), List.of("y16"));
        g.node("Cast", List.of("y16"), List.of("y32"), Attribute.of("to", ElementType.FLOAT.code()));
        g.output("y16", ElementType.FLOAT16, 2, 3);
        g.output("y32", ElementType.FLOAT, 2, 3);

        ShortBuffer zeros = ShortBuffer.allocate(6);
        try (OrtSession s = Ort.session(new OnnxModel(g));
             OrtSession.Result r = Ort.run(s, Ort.inputs("x",
                     OnnxTensor.createTensor(Ort.ENV, zeros, new long[] {6}, OnnxJavaType.FLOAT16)))) {
            float[] expected = new float[weights.length];
            for (int i = 0; i < weights.length; i++) {
                expected[i] = Float16.toFloat(Float16.fromFloat(weights[i]));
            }
            assertArrayEquals(new float[] {1f, 0.099975586f, -2.5f, 65504f, 1.1920929e-7f, 0.33325195f}, expected);
            assertArrayEquals(expected, Ort.floats(r, "y32"));

            OnnxTensor y16 = (OnnxTensor) r.get("y16").orElseThrow();
            assertEquals(OnnxJavaType.FLOAT16, y16.getInfo().type);
            ShortBuffer halfBits = y16.getShortBuffer();
            for (int i = 0; i < weights.length; i++) {
                assertEquals(Float16.fromFloat(weights[i]), halfBits.get(i), "element " + i);
            }
        }
    }

    @Test
    void int64AndInt32Inputs() throws OrtException {
        Graph g = new Graph("ints");
        g.input("a64", ElementType.INT64, "n");
        g.input("a32", ElementType.INT32, "n");
        g.initializer("big", Tensor.int64s(new long[] {1L << 40}));
        g.initializer("minus", Tensor.int32Scalar(-7));
        g.node("Add", List.of("a64", "big"), List.of("y64"));
        g.node("Mul", List.of("a32", "minus"), List.of("m32"));
        g.node("Cast", List.of("m32"), List.of("y32as64"), Attribute.of("to", (long) ElementType.INT64.code()));
        g.output("y64", ElementType.INT64, "n");
        g.output("y32as64", ElementType.INT64, "n");
        try (OrtSession s = Ort.session(new OnnxModel(g));
             OrtSession.Result r = Ort.run(s, Ort.inputs("a64", new long[] {0, -1, 5}, "a32", new int[] {1, -2, 3}))) {
            LongBuffer y64 = ((OnnxTensor) r.get("y64").orElseThrow()).getLongBuffer();
            assertEquals(1L << 40, y64.get(0));
            assertEquals((1L << 40) - 1, y64.get(1));
            assertEquals((1L << 40) + 5, y64.get(2));
            LongBuffer y32 = ((OnnxTensor) r.get("y32as64").orElseThrow()).getLongBuffer();
            assertEquals(-7, y32.get(0));
            assertEquals(14, y32.get(1));
            assertEquals(-21, y32.get(2));
        }
    }

    @Test
    void gatherIsAnEmbeddingLookup() throws OrtException {
        int vocab = 5;
        int hidden = 3;
        float[] table = new float[vocab * hidden];
        for (int i = 0; i < table.length; i++) {
            table[i] = i * 0.5f;
        }
        Graph g = new Graph("embed");
        g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
        g.initializer("embed_tokens.weight", Tensor.floats(table, vocab, hidden));
        g.node("Gather", List.of("embed_tokens.weight", "input_ids"), List.of("inputs_embeds"), Attribute.of("axis", 0));
        g.output("inputs_embeds", ElementType.FLOAT, "batch_size", "sequence_length", hidden);
        try (OrtSession s = Ort.session(new OnnxModel(g));
             OrtSession.Result r = Ort.run(s, Ort.inputs("input_ids", new long[][] {{4, 0}, {2, 2}}))) {
            assertArrayEquals(new long[] {2, 2, hidden}, Ort.shape(r, "inputs_embeds"));
            float[] out = Ort.floats(r, "inputs_embeds");
            long[] ids = {4, 0, 2, 2};
            for (int t = 0; t < ids.length; t++) {
                for (int h = 0; h < hidden; h++) {
                    assertEquals(table[(int) ids[t] * hidden + h], out[t * hidden + h], 0f);
                }
            }
        }
    }

    @Test
    void softmaxAndLayerNormalization() throws OrtException {
        float[] gamma = {1f, 2f, 0.5f, -1f};
        float[] beta = {0f, 0.1f, -0.1f, 1f};
        Graph g = new Graph("norms");
        g.input("x", ElementType.FLOAT, "rows", 4);
        g.initializer("gamma", Tensor.floats(gamma));
        g.initializer("beta", Tensor.floats(beta));
        g.node("Softmax", List.of("x"), List.of("probs"), Attribute.of("axis", -1));
        g.node("LayerNormalization", List.of("x", "gamma", "beta"), List.of("normed"),
                Attribute.of("axis", -1), Attribute.of("epsilon", 1e-5f));
        g.output("probs", ElementType.FLOAT, "rows", 4);
        g.output("normed", ElementType.FLOAT, "rows", 4);
        float[][] x = {{1, 2, 3, 4}, {-1, 0, 0, 5}};
        try (OrtSession s = Ort.session(new OnnxModel(g).opset(17));
             OrtSession.Result r = Ort.run(s, Ort.inputs("x", x))) {
            float[] probs = Ort.floats(r, "probs");
            float[] normed = Ort.floats(r, "normed");
            for (int row = 0; row < 2; row++) {
                double max = Double.NEGATIVE_INFINITY;
                double mean = 0;
                for (float v : x[row]) {
                    max = Math.max(max, v);
                    mean += v / 4.0;
                }
                double sum = 0;
                double var = 0;
                for (float v : x[row]) {
                    sum += Math.exp(v - max);
                    var += (v - mean) * (v - mean) / 4.0;
                }
                for (int c = 0; c < 4; c++) {
                    assertEquals(Math.exp(x[row][c] - max) / sum, probs[row * 4 + c], 1e-6);
                    double ln = (x[row][c] - mean) / Math.sqrt(var + 1e-5) * gamma[c] + beta[c];
                    assertEquals(ln, normed[row * 4 + c], 1e-5);
                }
            }
        }
    }

    @Test
    void everyAttributeTypeThroughConstant() throws OrtException {
        Graph g = new Graph("constants");
        g.node("Constant", List.of(), List.of("f"), Attribute.of("value_float", 2.5f));
        g.node("Constant", List.of(), List.of("i"), Attribute.of("value_int", -3));
        g.node("Constant", List.of(), List.of("fs"), Attribute.floats("value_floats", 1f, -1f, 0.25f));
        g.node("Constant", List.of(), List.of("is"), Attribute.ints("value_ints", 7, -8, 1L << 35));
        g.node("Constant", List.of(), List.of("s"), Attribute.of("value_string", "héllo"));
        g.node("Constant", List.of(), List.of("ss"), Attribute.strings("value_strings", "a", "", "ccc"));
        g.node("Constant", List.of(), List.of("t"), Attribute.of("value", Tensor.doubles(new double[] {1.5, -2}, 2, 1)));
        g.node("Transpose", List.of("t"), List.of("tt"), Attribute.ints("perm", 1, 0));
        g.output("f", ElementType.FLOAT);
        g.output("i", ElementType.INT64);
        g.output("fs", ElementType.FLOAT, 3);
        g.output("is", ElementType.INT64, 3);
        g.output("s", ElementType.STRING);
        g.output("ss", ElementType.STRING, 3);
        g.output("tt", ElementType.DOUBLE, 1, 2);
        try (OrtSession s = Ort.session(new OnnxModel(g));
             OrtSession.Result r = s.run(Map.of())) {
            assertEquals(2.5f, ((OnnxTensor) r.get("f").orElseThrow()).getFloatBuffer().get(0));
            assertEquals(-3L, ((OnnxTensor) r.get("i").orElseThrow()).getLongBuffer().get(0));
            assertArrayEquals(new float[] {1f, -1f, 0.25f}, Ort.floats(r, "fs"));
            LongBuffer is = ((OnnxTensor) r.get("is").orElseThrow()).getLongBuffer();
            assertArrayEquals(new long[] {7, -8, 1L << 35}, new long[] {is.get(0), is.get(1), is.get(2)});
            assertEquals("héllo", ((OnnxTensor) r.get("s").orElseThrow()).getValue());
            assertArrayEquals(new String[] {"a", "", "ccc"}, (String[]) ((OnnxTensor) r.get("ss").orElseThrow()).getValue());
            OnnxTensor tt = (OnnxTensor) r.get("tt").orElseThrow();
            assertArrayEquals(new long[] {1, 2}, tt.getInfo().getShape());
            assertEquals(1.5, tt.getDoubleBuffer().get(0));
            assertEquals(-2.0, tt.getDoubleBuffer().get(1));
        }
    }

    @Test
    void boolUint8AndInt8Initializers() throws OrtException {
        Graph g = new Graph("small_types");
        g.initializer("mask", Tensor.bools(new boolean[] {true, false, true}));
        g.initializer("u8", Tensor.uint8s(new byte[] {(byte) 200, 1, 0}));
        g.initializer("i8", Tensor.int8s(new byte[] {-5, 1, 127}));
        g.node("Cast", List.of("u8"), List.of("u8f"), Attribute.of("to", ElementType.FLOAT.code()));
        g.node("Cast", List.of("i8"), List.of("i8f"), Attribute.of("to", ElementType.FLOAT.code()));
        g.node("Where", List.of("mask", "u8f", "i8f"), List.of("y"));
        g.output("y", ElementType.FLOAT, 3);
        try (OrtSession s = Ort.session(new OnnxModel(g));
             OrtSession.Result r = s.run(Map.of())) {
            assertArrayEquals(new float[] {200f, 1f, 0f}, Ort.floats(r, "y"));
        }
    }

    @Test
    void writingTwiceGivesTheSameBytes(@TempDir Path dir) throws Exception {
        Path a = ifModel().write(dir.resolve("a/model.onnx"));
        Path b = ifModel().write(dir.resolve("b/model.onnx"));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        OnnxModel m = affine();
        assertArrayEquals(m.toBytes(), m.toBytes());
        assertArrayEquals(m.toBytes(), affine().toBytes());
        try (OrtSession s = Ort.ENV.createSession(a.toString())) {
            assertNotNull(s.getInputInfo().get("cond"));
        }
    }

    @Test
    void ortRefusesAGraphThatUsesAnUndefinedValue() {
        Graph g = new Graph("broken");
        g.input("x", ElementType.FLOAT, "n");
        g.node("Add", List.of("x", "nowhere"), List.of("y"));
        g.output("y", ElementType.FLOAT, "n");
        assertThrows(OrtException.class, () -> Ort.session(new OnnxModel(g)).close());
    }
}
