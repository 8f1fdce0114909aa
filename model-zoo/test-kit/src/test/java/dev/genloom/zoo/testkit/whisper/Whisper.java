package dev.genloom.zoo.testkit.whisper;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: runs a generated Whisper folder the way a plugin does: the encoder once, then the
 * decoder with its {@code present.*} handed back as {@code past_key_values.*} (the tensors ONNX
 * Runtime returned, not copies). For an fp16 file, the float inputs it makes (features, encoder
 * states, empty pasts) are float16 and {@link #floats} reads float16 outputs as floats.
 */
final class Whisper implements AutoCloseable {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    final WhisperExport.Config config;
    final OrtSession session;
    /** Whether the file's float IO is float16. */
    final boolean half;

    Whisper(Path folder, WhisperExport.Config config, WhisperExport.File file) throws OrtException {
        this(folder, config, file, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    Whisper(Path folder, WhisperExport.Config config, WhisperExport.File file, OrtSession.SessionOptions.OptLevel level)
            throws OrtException {
        this.config = config;
        this.half = WhisperExport.io(file.dtype()) == dev.genloom.zoo.onnx.ElementType.FLOAT16;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            options.setOptimizationLevel(level);
            this.session = ENV.createSession(folder.resolve("onnx").resolve(file.fileName()).toString(), options);
        }
    }

    /** Seeded features {@code [1, mel, frames]} in [-1, 1). */
    static float[] features(WhisperExport.Config c, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] f = new float[c.melBins() * c.frames()];
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextFloat() * 2 - 1;
        }
        return f;
    }

    /** Runs the encoder on {@code features [1, mel, frames]}; returns {@code last_hidden_state} flattened. */
    float[] encode(float[] features) throws OrtException {
        try (OnnxTensor in = floatTensor(features, new long[] {1, config.melBins(), config.frames()});
             OrtSession.Result r = session.run(Map.of(WhisperExport.INPUT_FEATURES, in))) {
            return floats(r, WhisperExport.LAST_HIDDEN_STATE);
        }
    }

    /** A float32 tensor, or float16 for an fp16 file. */
    OnnxTensor floatTensor(float[] values, long[] shape) throws OrtException {
        if (!half) {
            return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(values), shape);
        }
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.nativeOrder());
        for (float v : values) {
            b.putShort(Fp16Conversions.floatToFp16(v));
        }
        b.rewind();
        return OnnxTensor.createTensor(ENV, b, shape, OnnxJavaType.FLOAT16);
    }

    /** A float or float16 output as floats. */
    static float[] floats(OrtSession.Result r, String name) {
        OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new AssertionError("no output " + name));
        if (t.getInfo().type == OnnxJavaType.FLOAT16) {
            java.nio.ShortBuffer sb = t.getShortBuffer();
            float[] out = new float[sb.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Fp16Conversions.fp16ToFloat(sb.get(i));
            }
            return out;
        }
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    static long[] shape(OrtSession.Result r, String name) throws OrtException {
        return ((OnnxTensor) r.get(name).orElseThrow()).getInfo().getShape();
    }

    /** Logits of position {@code pos} of batch row 0 in {@code logits [1, seq, vocab]}. */
    float[] at(float[] logits, int pos) {
        int v = config.vocabSize();
        float[] out = new float[v];
        System.arraycopy(logits, pos * v, out, 0, v);
        return out;
    }

    OnnxTensor encoderStates(float[] hidden) throws OrtException {
        return floatTensor(hidden, new long[] {1, hidden.length / config.dModel(), config.dModel()});
    }

    OnnxTensor emptyCache() throws OrtException {
        return floatTensor(new float[0], new long[] {1, config.heads(), 0, config.headDim()});
    }

    /**
     * One decoder run: {@code ids} of batch row 0, {@code encoderHidden} (when the file reads it),
     * the pasts from {@code previous} (its {@code present.*}; empty when {@code null} and the file
     * reads pasts), {@code use_cache_branch} when merged. The caller closes the result.
     */
    OrtSession.Result run(long[] ids, float[] encoderHidden, OrtSession.Result previous, Boolean useCacheBranch)
            throws OrtException {
        return run(ids, encoderHidden, previous, null, useCacheBranch);
    }

    /**
     * As above, with the cross-attention cache taken from {@code encoderCache} where
     * {@code previous} has none (a decoder with past after the plain decoder's first step).
     */
    OrtSession.Result run(long[] ids, float[] encoderHidden, OrtSession.Result previous,
                          OrtSession.Result encoderCache, Boolean useCacheBranch) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            OnnxTensor idTensor = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), new long[] {1, ids.length});
            owned.add(idTensor);
            feed.put(WhisperExport.INPUT_IDS, idTensor);
            java.util.Set<String> inputs = session.getInputNames();
            if (inputs.contains(WhisperExport.ENCODER_HIDDEN_STATES)) {
                OnnxTensor e = encoderStates(encoderHidden);
                owned.add(e);
                feed.put(WhisperExport.ENCODER_HIDDEN_STATES, e);
            }
            for (String name : inputs) {
                if (!name.startsWith("past_key_values.")) {
                    continue;
                }
                String present = name.replace("past_key_values.", "present.");
                if (previous != null) {
                    java.util.Optional<ai.onnxruntime.OnnxValue> v = previous.get(present);
                    if (v.isEmpty() && encoderCache != null) {
                        v = encoderCache.get(present);
                    }
                    feed.put(name, (OnnxTensor) v.orElseThrow(() -> new AssertionError("no " + present + " to feed back")));
                } else {
                    OnnxTensor empty = emptyCache();
                    owned.add(empty);
                    feed.put(name, empty);
                }
            }
            if (inputs.contains(WhisperExport.USE_CACHE_BRANCH)) {
                OnnxTensor flag = OnnxTensor.createTensor(ENV, new boolean[] {useCacheBranch});
                owned.add(flag);
                feed.put(WhisperExport.USE_CACHE_BRANCH, flag);
            }
            return session.run(feed);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
