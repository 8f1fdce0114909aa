package dev.genloom.zoo.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors written to {@code model.onnx_data} as they are made, and read back by ONNX Runtime from the model's folder. */
class ExternalDataTest {

    static float[] ramp(int n, float step) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 97) * step - 1f;
        }
        return v;
    }

    static OnnxModel model(Tensor w, Tensor b) {
        Graph g = new Graph("ext");
        g.input("x", ElementType.FLOAT, "n", 64);
        g.initializer("w", w);
        g.initializer("b", b);
        g.node("MatMul", List.of("x", "w"), List.of("xw"));
        g.node("Add", List.of("xw", "b"), List.of("y"));
        g.output("y", ElementType.FLOAT, "n", 32);
        return new OnnxModel(g).opset(17);
    }

    @Test
    void ortReadsExternalWeightsAndComputesWhatInlineWeightsGive(@TempDir Path dir) throws Exception {
        float[] w = ramp(64 * 32, 0.02f);
        float[] b = ramp(32, 0.05f);
        Path folder = dir.resolve("ext");
        try (ExternalData data = ExternalData.create(folder.resolve("model.onnx_data"))) {
            assertTrue(data.takes(64 * 32 * 4));
            assertFalse(data.takes(32 * 4), "a 128-byte bias stays inline");
            Tensor external = data.appendFloats(w, new long[] {64, 32}, ElementType.FLOAT);
            assertEquals(new Tensor.ExternalLocation("model.onnx_data", 0, 64 * 32 * 4), external.externalLocation());
            assertNull(external.rawView());
            model(external, Tensor.floats(b, 32)).write(folder.resolve("model.onnx"));
            assertEquals(64 * 32 * 4, data.size());
        }
        byte[] raw = Files.readAllBytes(folder.resolve("model.onnx_data"));
        assertEquals(64 * 32 * 4, raw.length);
        ByteBuffer le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(w[5], le.getFloat(5 * 4));
        assertTrue(Files.size(folder.resolve("model.onnx")) < 1024, "the model holds the reference only");

        float[][] x = new float[2][64];
        for (int i = 0; i < 64; i++) {
            x[0][i] = i * 0.01f;
            x[1][i] = 1 - i * 0.02f;
        }
        float[] fromExternal;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = Ort.ENV.createSession(folder.resolve("model.onnx").toString(), o);
             OrtSession.Result r = Ort.run(s, Ort.inputs("x", x))) {
            fromExternal = Ort.floats(r, "y");
        }
        try (OrtSession s = Ort.session(model(Tensor.floats(w, 64, 32), Tensor.floats(b, 32)));
             OrtSession.Result r = Ort.run(s, Ort.inputs("x", x))) {
            assertArrayEquals(Ort.floats(r, "y"), fromExternal);
        }
    }

    @Test
    void float16DataIsHalfTheBytesAndADiscardingSinkOnlyCounts(@TempDir Path dir) {
        Path file = dir.resolve("h.onnx_data");
        try (ExternalData data = ExternalData.create(file)) {
            Tensor t = data.appendFloats(new float[] {1f, -2f, 0.5f}, new long[] {3}, ElementType.FLOAT16);
            Tensor u = data.appendFloats(new float[] {3f}, new long[] {1}, ElementType.FLOAT16);
            assertEquals(6, t.externalLocation().length());
            assertEquals(6, u.externalLocation().offset());
            assertEquals(2, data.tensorCount());
        }
        assertEquals(8, file.toFile().length());
        try (ExternalData none = ExternalData.discarding()) {
            assertTrue(none.discards());
            Tensor t = none.appendFloats(null, new long[] {1000, 1000}, ElementType.FLOAT);
            assertEquals(4_000_000, t.externalLocation().length());
            assertEquals(1_000_000, t.elementCount());
        }
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.external(ElementType.FLOAT, new long[] {2}, new Tensor.ExternalLocation("f", 0, 4)));
    }
}
