package dev.genloom.plugins.tts;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.Release;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Piper {@code VOICE.onnx} session: {@code input} int64 [1, n], {@code input_lengths} int64 [1],
 * {@code scales} float [3] (noise_scale, length_scale, noise_w), {@code sid} int64 [1] where the
 * voice has it, to {@code output} float [1, 1, samples]. The signature is checked on opening.
 */
final class PiperSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean hasSpeakerInput;

    private PiperSession(OrtEnvironment env, OrtSession session, boolean hasSpeakerInput) {
        this.env = env;
        this.session = session;
        this.hasSpeakerInput = hasSpeakerInput;
    }

    /** Checks {@code session} (of {@code file}) and takes it over; closes it when it does not fit. */
    static PiperSession of(OrtEnvironment env, OrtSession session, Path file, int numSpeakers) {
        try {
            TensorSpec ids = TensorSpec.of(OnnxJavaType.INT64);
            Signature s = Signature.of(session, file)
                    .describedAs("the piper family (a Piper voice)")
                    .hint("use a voice exported by Piper (python -m piper_train.export_onnx) with its VOICE.onnx.json")
                    .requireInput("input", ids.rank(2))
                    .requireInput("input_lengths", ids.rank(1))
                    .requireInput("scales", TensorSpec.of(OnnxJavaType.FLOAT).rank(1))
                    .optionalInput("sid", ids.rank(1))
                    .requireOutput("output", TensorSpec.of(OnnxJavaType.FLOAT).rank(3))
                    .check();
            boolean sid = session.getInputNames().contains("sid");
            if (numSpeakers > 1 && !sid) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, file + " has no input sid, but its config says num_speakers "
                        + numSpeakers, "use the VOICE.onnx.json that came with this VOICE.onnx");
            }
            return new PiperSession(env, session, sid);
        } catch (RuntimeException e) {
            throw Release.after(e, session);
        }
    }

    boolean hasSpeakerInput() {
        return hasSpeakerInput;
    }

    /** The samples of one sentence's ids. */
    float[] run(long[] ids, float noiseScale, float lengthScale, float noiseW, int speaker) {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            in.put("input", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length}));
            in.put("input_lengths", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {ids.length}), new long[] {1}));
            in.put("scales", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {noiseScale, lengthScale, noiseW}), new long[] {3}));
            if (hasSpeakerInput) {
                in.put("sid", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {speaker}), new long[] {1}));
            }
            try (OrtSession.Result r = session.run(in)) {
                OnnxTensor out = (OnnxTensor) r.get("output").orElseThrow();
                FloatBuffer b = out.getFloatBuffer();
                float[] samples = new float[b.remaining()];
                b.get(samples);
                return samples;
            }
        } catch (OrtException e) {
            throw GenloomException.runFailed("the Piper voice failed on " + ids.length + " phoneme ids: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw GenloomException.runFailed("cannot close the Piper session", e);
        }
    }
}
