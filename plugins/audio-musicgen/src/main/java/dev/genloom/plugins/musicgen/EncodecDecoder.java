package dev.genloom.plugins.musicgen;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code encodec_decode.onnx}: audio codes {@code [K][frames]} (batch 1) as
 * {@code audio_codes [1, 1, K, frames]} to the mono samples of {@code audio_values [1, 1, samples]}.
 */
public final class EncodecDecoder {

    private final OrtEnvironment env;
    private final OrtSession session;

    public EncodecDecoder(OrtEnvironment env, OrtSession session) {
        this.env = env;
        this.session = session;
    }

    /** The waveform of {@code codes}. */
    public float[] decode(long[][] codes) throws OrtException {
        int k = codes.length;
        int frames = codes[0].length;
        GenloomException.require(frames > 0, "no audio codes to decode");
        long[] flat = new long[k * frames];
        for (int r = 0; r < k; r++) {
            System.arraycopy(codes[r], 0, flat, r * frames, frames);
        }
        try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {1, 1, k, frames});
             OrtSession.Result r = session.run(Map.of("audio_codes", in))) {
            Optional<OnnxValue> v = r.get("audio_values");
            if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "encodec_decode.onnx gave no tensor audio_values");
            }
            FloatBuffer b = t.getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
