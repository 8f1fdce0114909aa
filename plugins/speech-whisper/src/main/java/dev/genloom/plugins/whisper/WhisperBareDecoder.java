package dev.genloom.plugins.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.BareDecoder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.SessionFactory;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's baseline for Whisper: a greedy decoding loop written directly against ONNX
 * Runtime over the folder's {@code decoder_model.onnx} (the first step) and
 * {@code decoder_with_past_model.onnx} (the others), over the encoder's output for one window of
 * silence, with no rules and no stop. A merged-only export has no such pair and is refused.
 */
final class WhisperBareDecoder implements BareDecoder {
    static final String[] FILES = {"onnx/encoder_model.onnx", "onnx/decoder_model.onnx",
            "onnx/decoder_with_past_model.onnx"};

    private final OrtEnvironment env;
    private final List<OrtSession> sessions;
    private final OrtSession first;
    private final OrtSession step;
    private final OnnxTensor features;
    private final OrtSession.Result encoded;
    private final long[] start;

    private WhisperBareDecoder(OrtEnvironment env, List<OrtSession> sessions, long[] start) throws OrtException {
        this.env = env;
        this.sessions = sessions;
        OrtSession encoder = sessions.get(0);
        this.first = sessions.get(1);
        this.step = sessions.get(2);
        this.start = start;
        long[] shape = ((TensorInfo) encoder.getInputInfo().get("input_features").getInfo()).getShape().clone();
        shape[0] = 1;
        float[] silence = new float[(int) (shape[1] * shape[2])];
        Arrays.fill(silence, -1.5f);
        this.features = OnnxTensor.createTensor(env, FloatBuffer.wrap(silence), shape);
        OrtSession.Result result;
        try {
            result = encoder.run(Map.of("input_features", features));
        } catch (OrtException | RuntimeException e) {
            features.close();
            throw e;
        }
        this.encoded = result;
    }

    /** Opens the three sessions; a folder without them is refused naming the missing file. */
    static WhisperBareDecoder open(ModelContext context) {
        for (String f : FILES) {
            if (!context.folder().has(f)) {
                throw GenloomException.invalidInput("the bare decoding loop runs " + f + ", which "
                        + context.folder().path() + " does not have");
            }
        }
        JsonNode gen = context.folder().json("generation_config.json").orElseThrow(() ->
                GenloomException.invalidInput("the bare decoding loop needs " + context.folder().path()
                        + "/generation_config.json for its start tokens"));
        long[] start = {gen.path("decoder_start_token_id").asLong(), gen.path("no_timestamps_token_id").asLong()};
        SessionFactory factory = context.sessions();
        List<OrtSession> opened = new ArrayList<>();
        try {
            for (String f : FILES) {
                opened.add(factory.open(context.folder().resolve(f)));
            }
            return new WhisperBareDecoder(factory.environment(), opened, start);
        } catch (OrtException | RuntimeException e) {
            for (OrtSession s : opened) {
                try {
                    s.close();
                } catch (OrtException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e instanceof GenloomException g ? g
                    : GenloomException.runFailed("bare decoding loop: " + e.getMessage(), e);
        }
    }

    @Override
    public Decoded decode(long[] prompt, int steps) {
        GenloomException.require(steps >= 1, "steps must be at least 1, got " + steps);
        long[] ids = prompt == null || prompt.length == 0 ? start : prompt;
        long[] tokens = new long[steps];
        OnnxTensor hidden = (OnnxTensor) encoded.get(0);
        OrtSession.Result prefill;
        try (OnnxTensor input = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length})) {
            prefill = first.run(Map.of("input_ids", input, "encoder_hidden_states", hidden));
        } catch (OrtException e) {
            throw GenloomException.runFailed("bare decoding loop: " + e.getMessage(), e);
        }
        OrtSession.Result previous = null;
        long begin = System.nanoTime();
        try {
            Map<String, OnnxTensor> encoderKv = new HashMap<>();
            Map<String, OnnxTensor> decoderKv = new HashMap<>();
            for (Map.Entry<String, OnnxValue> e : prefill) {
                String name = e.getKey();
                if (name.startsWith("present.")) {
                    String past = "past_key_values." + name.substring("present.".length());
                    (name.contains(".encoder.") ? encoderKv : decoderKv).put(past, (OnnxTensor) e.getValue());
                }
            }
            long next = argmax((OnnxTensor) prefill.get("logits").orElseThrow());
            tokens[0] = next;
            for (int t = 1; t < steps; t++) {
                Map<String, OnnxTensor> in = new HashMap<>(encoderKv);
                in.putAll(decoderKv);
                OrtSession.Result result;
                try (OnnxTensor input = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {next}),
                        new long[] {1, 1})) {
                    in.put("input_ids", input);
                    result = step.run(in);
                }
                if (previous != null) {
                    previous.close();
                }
                previous = result;
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getKey().startsWith("present.")) {
                        decoderKv.put("past_key_values." + e.getKey().substring("present.".length()),
                                (OnnxTensor) e.getValue());
                    }
                }
                next = argmax((OnnxTensor) result.get("logits").orElseThrow());
                tokens[t] = next;
            }
            return new Decoded(tokens, steps > 1 ? System.nanoTime() - begin : 0);
        } catch (OrtException e) {
            throw GenloomException.runFailed("bare decoding loop: " + e.getMessage(), e);
        } finally {
            if (previous != null) {
                previous.close();
            }
            prefill.close();
        }
    }

    private static int argmax(OnnxTensor logits) {
        return BareDecoder.lastPositionArgmax(logits.getFloatBuffer(), logits.getInfo().getShape());
    }

    @Override
    public void close() {
        encoded.close();
        features.close();
        GenloomException failure = null;
        for (OrtSession s : sessions) {
            try {
                s.close();
            } catch (OrtException e) {
                failure = failure != null ? failure : GenloomException.runFailed("bare decoding loop: " + e.getMessage(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
