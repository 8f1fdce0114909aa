package dev.genloom.plugins.whisper;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * The decoder over one window's encoder output, for {@code rows} sequences at once (the beams):
 * a prefill over the prompt, then one token per row per step. Each step's {@code present.*.decoder.*}
 * tensors go straight back as the next {@code past_key_values.*.decoder.*}; the cross-attention
 * cache from the prefill is fed unchanged to every later step (every row attends to the same audio,
 * so it never needs reordering). Only when beams change places are the self-attention caches
 * gathered into new tensors. Not thread-safe; one per decoding.
 */
final class DecoderRun implements AutoCloseable {

    private final WhisperGraph g;
    private final OrtEnvironment env;
    private final int rows;
    /** encoder_hidden_states with {@code rows} rows (owned where replicated). */
    private final OnnxTensor hidden;
    private final boolean ownsHidden;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private OrtSession.Result prefill;
    private OrtSession.Result last;
    /** Tensors made by reordering the previous step's cache, closed after the next step. */
    private final List<OnnxTensor> reordered = new ArrayList<>();
    private final Map<String, OnnxTensor> encoderKv = new HashMap<>();
    private final Map<String, OnnxTensor> decoderKv = new HashMap<>();
    private final Set<String> stepOutputs = new LinkedHashSet<>();
    private OnnxTensor branchTrue;
    private int length;
    /** Every row's tokens so far, prompt included: kept only without the cache, which runs them again. */
    private long[][] sequences;
    private final boolean cache;
    /** Logits of the first prompt position (for the no-speech probability), row 0. */
    private float[] firstPositionLogits;

    /**
     * @param encoderOutput the window's {@code last_hidden_state}, batch 1; replicated where
     *                      {@code rows > 1}
     */
    DecoderRun(WhisperGraph g, OrtEnvironment env, OnnxTensor encoderOutput, int rows, boolean cache)
            throws OrtException {
        this.g = g;
        this.cache = cache;
        this.env = env;
        this.rows = rows;
        if (rows == 1) {
            hidden = encoderOutput;
            ownsHidden = false;
        } else {
            hidden = replicate(encoderOutput, rows);
            ownsHidden = true;
        }
        stepOutputs.add(WhisperGraph.LOGITS);
        for (int i = 0; i < g.layers; i++) {
            stepOutputs.add(WhisperGraph.present(i, "decoder", "key"));
            stepOutputs.add(WhisperGraph.present(i, "decoder", "value"));
        }
    }

    int rows() {
        return rows;
    }

    /** Tokens in each row so far, prompt included. */
    int length() {
        return length;
    }

    float[] firstPositionLogits() {
        return firstPositionLogits;
    }

    /** Runs the prompt (the same for every row); the logits of its last position, a row each. */
    float[][] prefill(long[] prompt) throws OrtException {
        long[][] start = new long[rows][];
        for (int r = 0; r < rows; r++) {
            start[r] = prompt.clone();
        }
        if (!cache) {
            sequences = start;
        }
        float[][] out = full(start, prompt.length);
        firstPositionLogits = firstOfFull;
        return out;
    }

    private float[] firstOfFull;

    /** Runs whole sequences with an empty past (the prefill, and every step without the cache). */
    private float[][] full(long[][] seqs, int width) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        List<OnnxTensor> temp = new ArrayList<>();
        if (prefill != null) {
            prefill.close();
            prefill = null;
        }
        try {
            long[] ids = new long[rows * width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(seqs[r], 0, ids, r * width, width);
            }
            OnnxTensor idTensor = ids(ids, new long[] {rows, width});
            temp.add(idTensor);
            in.put(WhisperGraph.INPUT_IDS, idTensor);
            in.put(WhisperGraph.ENCODER_HIDDEN_STATES, hidden);
            if (g.merged()) {
                long[] empty = {rows, g.heads, 0, g.headDim};
                OnnxTensor e = g.pastType == OnnxJavaType.FLOAT16
                        ? OnnxTensor.createTensor(env, ShortBuffer.allocate(0), empty, OnnxJavaType.FLOAT16)
                        : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), empty);
                temp.add(e);
                for (int i = 0; i < g.layers; i++) {
                    for (String part : List.of("decoder", "encoder")) {
                        in.put(WhisperGraph.past(i, part, "key"), e);
                        in.put(WhisperGraph.past(i, part, "value"), e);
                    }
                }
                OnnxTensor no = OnnxTensor.createTensor(env, new boolean[] {false});
                temp.add(no);
                in.put(WhisperGraph.USE_CACHE_BRANCH, no);
                if (branchTrue == null) {
                    branchTrue = OnnxTensor.createTensor(env, new boolean[] {true});
                    owned.add(branchTrue);
                }
            }
            prefill = g.decoder.run(in);
        } finally {
            for (OnnxTensor t : temp) {
                t.close();
            }
        }
        for (int i = 0; i < g.layers; i++) {
            for (String kv : List.of("key", "value")) {
                encoderKv.put(WhisperGraph.past(i, "encoder", kv), output(prefill, WhisperGraph.present(i, "encoder", kv)));
                decoderKv.put(WhisperGraph.past(i, "decoder", kv), output(prefill, WhisperGraph.present(i, "decoder", kv)));
            }
        }
        length = width;
        OnnxTensor logits = output(prefill, WhisperGraph.LOGITS);
        firstOfFull = rows(logits, width, 0, 1)[0];
        return rows(logits, width, width - 1, rows);
    }

    /**
     * One step: row {@code r} continues the sequence that was row {@code from[r]} (null: each its
     * own) with token {@code next[r]}; the logits of the new position, a row each.
     */
    float[][] step(long[] next, int[] from) throws OrtException {
        if (!cache) {
            long[][] grown = new long[rows][];
            for (int r = 0; r < rows; r++) {
                long[] parent = sequences[from == null ? r : from[r]];
                grown[r] = Arrays.copyOf(parent, parent.length + 1);
                grown[r][parent.length] = next[r];
            }
            sequences = grown;
            return full(sequences, length + 1);
        }
        if (from != null && !identity(from)) {
            reorder(from);
        }
        Map<String, OnnxTensor> in = new HashMap<>(encoderKv);
        in.putAll(decoderKv);
        OnnxTensor idTensor = ids(next, new long[] {rows, 1});
        OrtSession.Result result;
        try {
            in.put(WhisperGraph.INPUT_IDS, idTensor);
            if (g.merged()) {
                in.put(WhisperGraph.ENCODER_HIDDEN_STATES, hidden);
                in.put(WhisperGraph.USE_CACHE_BRANCH, branchTrue);
                result = g.decoder.run(in, stepOutputs);
            } else {
                result = g.decoderWithPast.run(in, stepOutputs);
            }
        } finally {
            idTensor.close();
        }
        // the new cache replaces the old one; the prefill result stays (it owns the cross-attention cache)
        closeReordered();
        if (last != null) {
            last.close();
        }
        last = result;
        for (int i = 0; i < g.layers; i++) {
            for (String kv : List.of("key", "value")) {
                decoderKv.put(WhisperGraph.past(i, "decoder", kv), output(result, WhisperGraph.present(i, "decoder", kv)));
            }
        }
        length++;
        return rows(output(result, WhisperGraph.LOGITS), 1, 0, rows);
    }

    private static boolean identity(int[] from) {
        for (int i = 0; i < from.length; i++) {
            if (from[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** Gathers the self-attention caches by row: row r gets what row from[r] had. */
    private void reorder(int[] from) throws OrtException {
        List<OnnxTensor> made = new ArrayList<>();
        Map<String, OnnxTensor> next = new HashMap<>();
        for (Map.Entry<String, OnnxTensor> e : decoderKv.entrySet()) {
            OnnxTensor t = e.getValue();
            long[] shape = t.getInfo().getShape();
            ByteBuffer src = t.getByteBuffer().order(ByteOrder.nativeOrder());
            int rowBytes = src.capacity() / rows;
            ByteBuffer dst = ByteBuffer.allocateDirect(src.capacity()).order(ByteOrder.nativeOrder());
            for (int r = 0; r < rows; r++) {
                ByteBuffer slice = src.duplicate();
                slice.position(from[r] * rowBytes).limit(from[r] * rowBytes + rowBytes);
                dst.put(slice);
            }
            dst.rewind();
            OnnxTensor copy = OnnxTensor.createTensor(env, dst, shape, t.getInfo().type);
            made.add(copy);
            next.put(e.getKey(), copy);
        }
        closeReordered();
        reordered.addAll(made);
        decoderKv.putAll(next);
    }

    private void closeReordered() {
        for (OnnxTensor t : reordered) {
            t.close();
        }
        reordered.clear();
    }

    private OnnxTensor replicate(OnnxTensor t, int times) throws OrtException {
        long[] shape = t.getInfo().getShape().clone();
        ByteBuffer src = t.getByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer dst = ByteBuffer.allocateDirect(src.capacity() * times).order(ByteOrder.nativeOrder());
        for (int i = 0; i < times; i++) {
            dst.put(src.duplicate());
        }
        dst.rewind();
        shape[0] = (long) shape[0] * times;
        return OnnxTensor.createTensor(env, dst, shape, t.getInfo().type);
    }

    private OnnxTensor ids(long[] ids, long[] shape) throws OrtException {
        if (g.idType == OnnxJavaType.INT32) {
            int[] narrow = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                narrow[i] = Math.toIntExact(ids[i]);
            }
            return OnnxTensor.createTensor(env, IntBuffer.wrap(narrow), shape);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
    }

    private static OnnxTensor output(OrtSession.Result result, String name) {
        OnnxValue v = result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        return (OnnxTensor) v;
    }

    /**
     * The logits at position {@code pos} of the first {@code count} rows of a [rows, positions,
     * vocab] float or float16 tensor, read from its buffer row by row (nothing else is copied).
     */
    private float[][] rows(OnnxTensor logits, int positions, int pos, int count) {
        int vocab = g.vocab;
        float[][] out = new float[count][vocab];
        if (logits.getInfo().type == OnnxJavaType.FLOAT16) {
            ShortBuffer sb = logits.getShortBuffer();
            for (int r = 0; r < count; r++) {
                int offset = (r * positions + pos) * vocab;
                for (int i = 0; i < vocab; i++) {
                    out[r][i] = Fp16Conversions.fp16ToFloat(sb.get(offset + i));
                }
            }
        } else {
            FloatBuffer fb = logits.getFloatBuffer();
            for (int r = 0; r < count; r++) {
                fb.get((r * positions + pos) * vocab, out[r]);
            }
        }
        return out;
    }

    @Override
    public void close() {
        closeReordered();
        if (last != null) {
            last.close();
        }
        if (prefill != null) {
            prefill.close();
        }
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a tensor's close does not fail
            }
        }
        if (ownsHidden) {
            hidden.close();
        }
    }
}
