package dev.genloom.zoo.testkit.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import dev.genloom.zoo.onnx.Float16;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test helper: runs exported parts in ONNX Runtime with values given as {@code double[]}, each
 * turned into the element type the session declares (float, float16, int32, int64; rank 0 for a
 * scalar input), and returns every output as floats with its shape.
 */
final class OrtRunner {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtRunner() {
    }

    record Out(float[] data, long[] shape) {
    }

    record Sig(String name, OnnxTensorType type, String... dims) {
    }

    static final OnnxTensorType F32 = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    static final OnnxTensorType F16 = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16;
    static final OnnxTensorType I32 = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
    static final OnnxTensorType I64 = OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;

    static OrtSession session(Path file) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            return ENV.createSession(file.toString(), o);
        }
    }

    /** The session's inputs or outputs are exactly {@code expected}: names in order, types, static dims and axis names. */
    static void assertSignature(Map<String, NodeInfo> actual, Sig... expected) {
        assertEquals(Arrays.stream(expected).map(Sig::name).toList(), List.copyOf(actual.keySet()));
        for (Sig s : expected) {
            TensorInfo info = (TensorInfo) actual.get(s.name()).getInfo();
            assertEquals(s.type(), info.onnxType, s.name());
            String[] names = info.getDimensionNames();
            long[] shape = info.getShape();
            assertEquals(s.dims().length, shape.length, s.name() + " rank");
            for (int i = 0; i < shape.length; i++) {
                String want = s.dims()[i];
                if (want.chars().allMatch(Character::isDigit)) {
                    assertEquals(Long.parseLong(want), shape[i], s.name() + " dim " + i);
                } else {
                    assertEquals(-1, shape[i], s.name() + " dim " + i);
                    assertEquals(want, names[i], s.name() + " dim " + i);
                }
            }
        }
    }

    static Object[] in(double[] data, long... shape) {
        return new Object[] {data, shape};
    }

    static Object[] in(float[] data, long... shape) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return in(d, shape);
    }

    /** Runs {@code s}; each input is converted to the declared element type (a rank-0 input takes one value). */
    static Map<String, Out> run(OrtSession s, Map<String, Object[]> inputs) throws OrtException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                double[] data = (double[]) e.getValue()[0];
                long[] shape = (long[]) e.getValue()[1];
                TensorInfo info = (TensorInfo) s.getInputInfo().get(e.getKey()).getInfo();
                if (info.getShape().length == 0) {
                    shape = new long[0];
                }
                feed.put(e.getKey(), tensor(info.onnxType, data, shape));
            }
            Map<String, Out> out = new HashMap<>();
            try (OrtSession.Result r = s.run(feed)) {
                for (var e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    out.put(e.getKey(), new Out(floats(t), t.getInfo().getShape()));
                }
            }
            return out;
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor tensor(OnnxTensorType type, double[] data, long[] shape) throws OrtException {
        int n = data.length;
        switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) data[i];
                }
                return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(f), shape);
            }
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> {
                short[] h = new short[n];
                for (int i = 0; i < n; i++) {
                    h[i] = Float16.fromFloat((float) data[i]);
                }
                return OnnxTensor.createTensor(ENV, ShortBuffer.wrap(h), shape, OnnxJavaType.FLOAT16);
            }
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) data[i];
                }
                return OnnxTensor.createTensor(ENV, IntBuffer.wrap(v), shape);
            }
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (long) data[i];
                }
                return OnnxTensor.createTensor(ENV, LongBuffer.wrap(v), shape);
            }
            default -> throw new AssertionError("no test input of type " + type);
        }
    }

    private static float[] floats(OnnxTensor t) {
        if (t.getInfo().onnxType == OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16) {
            ShortBuffer b = t.getShortBuffer();
            float[] out = new float[b.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Float16.toFloat(b.get());
            }
            return out;
        }
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    static double[] noise(long seed, int n) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    static double[] filled(int n, double v) {
        double[] x = new double[n];
        Arrays.fill(x, v);
        return x;
    }

    static int size(long... shape) {
        return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "lengths");
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static void assertFinite(float[] x) {
        for (float v : x) {
            assertTrue(Float.isFinite(v), "non-finite value " + v);
        }
    }
}
