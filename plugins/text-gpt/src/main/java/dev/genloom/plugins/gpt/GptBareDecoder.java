package dev.genloom.plugins.gpt;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.BareDecoder;
import dev.genloom.spi.ModelContext;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's baseline for decoder-only models: a greedy loop over {@code onnx/model.onnx}
 * written directly against ONNX Runtime (batch 1, fp32 past and logits, {@code present.*} fed back
 * as {@code past_key_values.*}), with none of {@link GptModel}'s buffers, processing or streaming.
 */
final class GptBareDecoder implements BareDecoder {
    static final String FILE = "onnx/model.onnx";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<String> pastNames = new ArrayList<>();
    private final Map<String, long[]> pastShapes = new HashMap<>();
    private final boolean positions;

    private GptBareDecoder(OrtEnvironment env, OrtSession session) throws OrtException {
        this.env = env;
        this.session = session;
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (e.getKey().startsWith("past_key_values.")) {
                pastNames.add(e.getKey());
                long[] shape = ((TensorInfo) e.getValue().getInfo()).getShape().clone();
                shape[0] = 1;
                shape[2] = 0;
                pastShapes.put(e.getKey(), shape);
            }
        }
        positions = session.getInputNames().contains("position_ids");
    }

    /** Opens the loop over the folder's {@code onnx/model.onnx}, which it must have. */
    static GptBareDecoder open(ModelContext context) {
        if (!context.folder().has(FILE)) {
            throw GenloomException.invalidInput("the bare decoding loop runs " + FILE + ", which "
                    + context.folder().path() + " does not have");
        }
        Path onnx = context.folder().resolve(FILE);
        OrtSession session = context.sessions().open(onnx);
        try {
            return new GptBareDecoder(context.sessions().environment(), session);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session, e);
            throw GenloomException.runFailed("bare loop over " + onnx + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Decoded decode(long[] prompt, int steps) {
        GenloomException.require(prompt != null && prompt.length > 0, "the bare GPT loop needs a prompt");
        GenloomException.require(steps >= 1, "steps must be at least 1, got " + steps);
        long[] tokens = new long[steps];
        Map<String, OnnxTensor> past = new HashMap<>();
        OrtSession.Result previous = null;
        long decodeStart = System.nanoTime();
        try {
            for (String name : pastNames) {
                past.put(name, OnnxTensor.createTensor(env, FloatBuffer.allocate(0), pastShapes.get(name)));
            }
            long[] step = prompt;
            int length = 0;
            for (int t = 0; t < steps; t++) {
                if (t == 1) {
                    decodeStart = System.nanoTime();
                }
                int n = step.length;
                long[] mask = new long[length + n];
                Arrays.fill(mask, 1);
                long[] pos = new long[n];
                for (int i = 0; i < n; i++) {
                    pos[i] = length + i;
                }
                Map<String, OnnxTensor> in = new HashMap<>(past);
                List<OnnxTensor> made = new ArrayList<>();
                made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(step), new long[] {1, n}));
                in.put("input_ids", made.get(0));
                made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, mask.length}));
                in.put("attention_mask", made.get(1));
                if (positions) {
                    made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[] {1, n}));
                    in.put("position_ids", made.get(2));
                }
                OrtSession.Result result = session.run(in);
                for (OnnxTensor m : made) {
                    m.close();
                }
                if (previous != null) {
                    previous.close();
                } else {
                    past.values().forEach(OnnxTensor::close);
                }
                previous = result;
                int best = argmax((OnnxTensor) result.get("logits").orElseThrow());
                tokens[t] = best;
                past = new HashMap<>();
                for (String name : pastNames) {
                    past.put(name, (OnnxTensor) result.get(name.replace("past_key_values.", "present.")).orElseThrow());
                }
                length += n;
                step = new long[] {best};
            }
            return new Decoded(tokens, steps > 1 ? System.nanoTime() - decodeStart : 0);
        } catch (OrtException e) {
            throw GenloomException.runFailed("bare loop: " + e.getMessage(), e);
        } finally {
            if (previous != null) {
                previous.close();
            }
        }
    }

    private static int argmax(OnnxTensor logits) {
        return BareDecoder.lastPositionArgmax(logits.getFloatBuffer(), logits.getInfo().getShape());
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw GenloomException.runFailed("bare loop: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(OrtSession session, Exception cause) {
        try {
            session.close();
        } catch (OrtException e) {
            cause.addSuppressed(e);
        }
    }
}
