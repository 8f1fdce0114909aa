package dev.genloom.zoo.testkit.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Each block against the formula it stands for, computed in Java. */
class BlocksTest {

    static final float[] X = {-2.5f, -1f, -0.3f, 0f, 0.4f, 1.2f, 2f, 3.1f};

    private static float[] run(BiFunction<Blocks, String, String> block, float[] x, long... shape) throws Exception {
        Graph g = new Graph("block");
        g.input("x", ElementType.FLOAT, (Object[]) box(shape));
        Weights w = new Weights(g, 1, ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        b.opInto("Identity", block.apply(b, "x"), "y");
        g.output(dev.genloom.zoo.onnx.ValueInfo.unknownShape("y", ElementType.FLOAT));
        try (OrtSession s = Decoder.ENV.createSession(new OnnxModel(g).opset(17).toBytes());
             OnnxTensor in = OnnxTensor.createTensor(Decoder.ENV, FloatBuffer.wrap(x), shape);
             OrtSession.Result r = s.run(Map.of("x", in))) {
            return Decoder.floats((OnnxTensor) r.get("y").orElseThrow());
        }
    }

    private static Long[] box(long[] shape) {
        Long[] out = new Long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }

    @Test
    void geluTanh() throws Exception {
        float[] y = run(Blocks::geluTanh, X, X.length);
        for (int i = 0; i < X.length; i++) {
            double x = X[i];
            double expected = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            assertEquals(expected, y[i], 1e-5, "gelu(" + x + ")");
        }
    }

    @Test
    void silu() throws Exception {
        float[] y = run(Blocks::silu, X, X.length);
        for (int i = 0; i < X.length; i++) {
            double x = X[i];
            assertEquals(x / (1 + Math.exp(-x)), y[i], 1e-5, "silu(" + x + ")");
        }
    }

    @Test
    void rmsNormAndLayerNormNormaliseTheLastAxis() throws Exception {
        // weights are 1 + noise; a second graph reads them back through an identity input of ones
        float[] rms = run((b, x) -> b.rmsNorm(x, "n", 4, 1e-6), X, 2, 4);
        float[] gain = run((b, x) -> b.rmsNorm(x, "n", 4, 1e-6), new float[] {1, 1, 1, 1}, 1, 4);
        for (int row = 0; row < 2; row++) {
            double ms = 0;
            for (int j = 0; j < 4; j++) {
                ms += X[row * 4 + j] * X[row * 4 + j] / 4.0;
            }
            for (int j = 0; j < 4; j++) {
                assertEquals(X[row * 4 + j] / Math.sqrt(ms + 1e-6) * gain[j], rms[row * 4 + j], 1e-4);
            }
        }
        float[] ln = run((b, x) -> b.op("Sub", java.util.List.of(b.layerNorm(x, "ln", 4, 1e-5),
                b.weights().param("ln.bias", Weights.Init.UNIFORM, 0.1, 4))), X, 2, 4);
        for (int row = 0; row < 2; row++) {
            double mean = 0;
            for (int j = 0; j < 4; j++) {
                mean += X[row * 4 + j] / 4.0;
            }
            // (LN(x) - bias) / gain has mean 0 when gain is ~1: check its sign pattern follows x - mean
            for (int j = 0; j < 4; j++) {
                assertEquals(Math.signum(X[row * 4 + j] - mean), Math.signum(ln[row * 4 + j]), 0.0);
            }
        }
    }

    @Test
    void rotaryRotatesPairsByPositionTimesFrequency() throws Exception {
        // heads [1, 1, 1, 4], position 3, theta 100: pairs (0,2) and (1,3) rotate by 3 * theta^(-2i/4)
        float[] x = {0.5f, -1f, 2f, 0.25f};
        float[] y = run((b, in) -> {
            String pos = b.weights().ints(3);
            String pos2d = b.unsqueeze(pos, 0);
            return b.applyRotary(in, b.rotary(pos2d, 4, 100.0));
        }, x, 1, 1, 1, 4);
        for (int i = 0; i < 2; i++) {
            double angle = 3 * Math.pow(100.0, -2.0 * i / 4);
            double a = x[i];
            double c = x[i + 2];
            assertEquals(a * Math.cos(angle) - c * Math.sin(angle), y[i], 1e-5);
            assertEquals(c * Math.cos(angle) + a * Math.sin(angle), y[i + 2], 1e-5);
        }
    }

    @Test
    void repeatKvGivesHeadHTheKvHeadHOverRep() throws Exception {
        float[] x = {1, 2, 3, 4};   // [1, kv=2, t=1, d=2]
        float[] y = run((b, in) -> b.repeatKv(in, 2, 3, 2), x, 1, 2, 1, 2);
        assertEquals(12, y.length);
        float[] expected = {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4};
        for (int i = 0; i < 12; i++) {
            assertEquals(expected[i], y[i], 0f);
        }
    }
}
