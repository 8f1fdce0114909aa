package dev.genloom.zoo.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: ONNX Runtime sessions over models built in memory. */
final class Ort {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private Ort() {
    }

    static OrtSession session(OnnxModel model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            return ENV.createSession(model.toBytes(), options);
        }
    }

    /** Runs {@code model} once; the inputs are closed afterwards. */
    static OrtSession.Result run(OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
        try {
            return session.run(inputs);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    static Map<String, OnnxTensor> inputs(Object... nameValuePairs) throws OrtException {
        Map<String, OnnxTensor> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            Object value = nameValuePairs[i + 1];
            OnnxTensor t = value instanceof OnnxTensor ot ? ot : OnnxTensor.createTensor(ENV, value);
            map.put((String) nameValuePairs[i], t);
        }
        return map;
    }

    static float[] floats(OrtSession.Result result, String name) {
        OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow(() -> new AssertionError("no output " + name));
        java.nio.FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    static long[] shape(OrtSession.Result result, String name) throws OrtException {
        return ((OnnxTensor) result.get(name).orElseThrow()).getInfo().getShape();
    }
}
