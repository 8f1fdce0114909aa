package dev.genloom.plugins.echo;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.spi.ModelContext;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What every echo modality shares: the ONNX Runtime session of the folder's {@code onnx/model*.onnx}
 * ({@code y = x * scale}; scale is 1 for {@code model.onnx}), which {@link #echo} runs with the
 * scale undone, so results show that data went through ONNX Runtime; and the load options:
 * {@code delayMillis} (sleep in every call, for concurrency tests) and {@code failOn} (fail any
 * call whose text contains this string, for failure tests). Safe to use from several threads, as
 * ONNX Runtime sessions are.
 */
final class EchoSession implements AutoCloseable {
    private final ModelInfo info;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final float scale;
    private final long delayMillis;
    private final String failOn;

    private EchoSession(ModelInfo info, OrtEnvironment env, OrtSession session, Path file, Map<String, Object> options) {
        this.info = info;
        this.env = env;
        this.session = session;
        this.file = file;
        this.delayMillis = options.get("delayMillis") instanceof Number n ? n.longValue() : 0;
        this.failOn = options.get("failOn") instanceof String s && !s.isEmpty() ? s : null;
        this.scale = run(new float[] {1f})[0];
    }

    /**
     * Opens the folder's preferred {@code onnx/model*.onnx} variant through the host's sessions.
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} where there is none, or its signature
     *                          is not {@code x -> y}
     */
    static EchoSession open(ModelContext context) {
        Path dir = context.folder().resolve("onnx");
        Path file = context.sessions().variant(dir, "model").orElseThrow(() -> new GenloomException(
                ErrorKind.MODEL_INCOMPATIBLE, "no onnx/model*.onnx in " + context.folder().path(),
                "an echo model folder holds onnx/model.onnx"));
        OrtSession session = context.sessions().open(file);
        try {
            checkSignature(session, file);
            return new EchoSession(context.info(), context.sessions().environment(), session, file, context.options());
        } catch (RuntimeException e) {
            try {
                session.close();
            } catch (OrtException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void checkSignature(OrtSession session, Path file) {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            List<String> missing = new ArrayList<>();
            if (!inputs.containsKey("x")) {
                missing.add("input x");
            }
            if (!outputs.containsKey("y")) {
                missing.add("output y");
            }
            if (!missing.isEmpty()) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, file + " does not fit the echo family: missing "
                        + String.join(", ", missing) + "; it has inputs " + new TreeSet<>(inputs.keySet())
                        + " and outputs " + new TreeSet<>(outputs.keySet()),
                        "an echo model maps input x (float[n]) to output y (float[n])");
            }
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot read the signature of " + file + ": "
                    + e.getMessage(), null, e);
        }
    }

    /** What the loaded model returns from {@code info()}. */
    ModelInfo info() {
        return info;
    }

    /** The scale of the loaded file: 1 for fp32, other variants differ (tests tell files apart by it). */
    float scale() {
        return scale;
    }

    /** x through the model with its scale undone: the identity, computed by ONNX Runtime. */
    float[] echo(float[] x) {
        float[] y = run(x);
        for (int i = 0; i < y.length; i++) {
            y[i] /= scale;
        }
        return y;
    }

    /** y = model(x), through ONNX Runtime; every tensor closed on every path. */
    private float[] run(float[] x) {
        if (x.length == 0) {
            return x;
        }
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {x.length});
             OrtSession.Result result = session.run(Map.of("x", in))) {
            OnnxValue y = result.get("y").orElseThrow();
            FloatBuffer buffer = ((OnnxTensor) y).getFloatBuffer();
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (OrtException e) {
            throw GenloomException.runFailed("echo model '" + info.name() + "' failed in " + file.getFileName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** What the load options ask of every call on a text: fail on {@code failOn}, sleep {@code delayMillis}. */
    void work(String text) {
        if (failOn != null && text.contains(failOn)) {
            throw GenloomException.runFailed("echo model '" + info.name() + "' was told to fail on '" + failOn + "'", null);
        }
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GenloomException.runFailed("interrupted", e);
            }
        }
    }

    /** Closes the ONNX Runtime session. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.RUN_FAILED, "closing echo model '" + info.name() + "': "
                    + e.getMessage(), null, e);
        }
    }
}
