package dev.genloom.plugins.gpt;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The native state of one generation over a decoder-only graph, for {@code rows} prompts at once:
 * a {@link #prefill()} over the prompts, then one token per row per {@link #step(long[])}; after
 * each, {@link #lastLogits(int, float[])} reads a row's logits at its last position.
 *
 * <p>The prompts are left-padded to the longest: the attention mask is 0 over a row's padding and
 * 1 after it, and the position ids (where the graph takes them) are {@code cumsum(mask) - 1}, with 1
 * at the padded positions (as Hugging Face fills them). With the cache, each step's
 * {@code present.*} tensors go straight back as the next step's {@code past_key_values.*} (never
 * through Java arrays) and the step feeds only the new token; without it ({@code cache: false})
 * every step runs the whole sequence again over an empty past.
 *
 * <p>The logits are written by ONNX Runtime into a direct buffer this class owns (a pinned output),
 * of which only the last position of each row is read, as fp32 or converted from fp16. The index
 * buffers and the one-position logits buffer are allocated once, at the run's largest size, and
 * reused by every step; only a run over several positions (the prefill, or any step without the
 * cache) has a logits buffer of its own. Not thread-safe; one per generation, closed with
 * try-with-resources.
 */
final class GenerationRun implements AutoCloseable {

    private final DecoderGraph graph;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean cache;
    private final int rows;
    private final int vocab;
    /** Positions a row can hold: the longest prompt and the most steps. */
    private final int capacity;
    /** Every token fed so far, left-padded: row b's position j at {@code fed[b * capacity + j]}. */
    private final long[] fed;
    /** Padding at the start of each row. */
    private final int[] pads;
    private final IndexBuffer ids;
    private final IndexBuffer mask;
    /** Null where the graph takes no position ids. */
    private final IndexBuffer positions;
    private final String[] pastNames;
    /** {@code presentNames[i]} is the output that becomes input {@code pastNames[i]}. */
    private final String[] presentNames;
    private final Set<String> presentOutputs;
    /** The inputs of a run, refilled (with the same names) for each. */
    private final Map<String, OnnxTensorLike> inputs = new HashMap<>();
    private final List<OnnxTensor> owned = new ArrayList<>();
    private final OnnxTensor emptyPast;
    private final OnnxTensor branchFalse;
    private final OnnxTensor branchTrue;
    private final ByteBuffer stepLogits;
    private final OnnxTensor stepLogitsTensor;
    /** The last run's result, whose {@code present.*} are the cache; null without the cache. */
    private OrtSession.Result previous;
    /** The last run's logits, {@code [rows, width, vocab]}, as fp32 or as fp16 (the other null). */
    private FloatBuffer logitFloats;
    private ShortBuffer logitHalves;
    private int width;
    /** Positions in every row so far, padding included. */
    private int length;

    /**
     * @param prompts  each row's prompt tokens, at least one each
     * @param maxSteps the most tokens any row generates: the run holds that many positions after the
     *                 longest prompt
     * @param padId    the token that fills the padding
     */
    GenerationRun(DecoderGraph graph, OrtEnvironment env, OrtSession session, boolean cache, long[][] prompts,
                  int maxSteps, long padId) throws OrtException {
        this.graph = graph;
        this.env = env;
        this.session = session;
        this.cache = cache;
        this.rows = prompts.length;
        this.vocab = graph.vocabSize();
        int promptMax = 0;
        for (long[] p : prompts) {
            promptMax = Math.max(promptMax, p.length);
        }
        this.length = promptMax;
        this.capacity = promptMax + maxSteps;
        this.fed = new long[rows * capacity];
        this.pads = new int[rows];
        for (int b = 0; b < rows; b++) {
            pads[b] = promptMax - prompts[b].length;
            Arrays.fill(fed, b * capacity, b * capacity + pads[b], padId);
            System.arraycopy(prompts[b], 0, fed, b * capacity + pads[b], prompts[b].length);
        }
        this.ids = new IndexBuffer(graph.idType(), rows * capacity);
        this.mask = new IndexBuffer(graph.maskType(), rows * capacity);
        this.positions = graph.positionIds() ? new IndexBuffer(graph.positionType(), rows * capacity) : null;
        this.pastNames = new String[2 * graph.layers()];
        this.presentNames = new String[pastNames.length];
        for (int i = 0; i < graph.layers(); i++) {
            pastNames[2 * i] = DecoderGraph.pastKey(i);
            pastNames[2 * i + 1] = DecoderGraph.pastValue(i);
            presentNames[2 * i] = DecoderGraph.presentKey(i);
            presentNames[2 * i + 1] = DecoderGraph.presentValue(i);
        }
        this.presentOutputs = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(presentNames)));
        this.stepLogits = ByteBuffer.allocateDirect(Math.multiplyExact(rows, vocab * logitBytes()))
                .order(ByteOrder.nativeOrder());
        try {
            long[] emptyShape = {rows, graph.kvHeads(), 0, graph.headDim()};
            this.emptyPast = own(graph.pastType() == OnnxJavaType.FLOAT16
                    ? OnnxTensor.createTensor(env, ShortBuffer.allocate(0), emptyShape, OnnxJavaType.FLOAT16)
                    : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyShape));
            this.branchFalse = graph.useCacheBranch() ? own(OnnxTensor.createTensor(env, new boolean[] {false})) : null;
            this.branchTrue = graph.useCacheBranch() ? own(OnnxTensor.createTensor(env, new boolean[] {true})) : null;
            this.stepLogitsTensor = own(logitsTensor(stepLogits, new long[] {rows, 1, vocab}));
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Runs the prompts, all positions of every row. */
    void prefill() throws OrtException {
        run(false);
    }

    /**
     * Feeds row {@code b} token {@code next[b]} (a finished row is fed the pad id) and runs the new
     * position: with the cache, that position alone over the past; without it, the whole sequence.
     */
    void step(long[] next) throws OrtException {
        if (length >= capacity) {
            throw new IllegalStateException("the run holds " + capacity + " positions a row; all are used");
        }
        for (int b = 0; b < rows; b++) {
            fed[b * capacity + length] = next[b];
        }
        length++;
        run(cache);
    }

    /** Row {@code b}'s logits at the last position of the last run, into {@code out} (the vocabulary's length). */
    void lastLogits(int b, float[] out) {
        int offset = (b * width + width - 1) * vocab;
        if (logitHalves != null) {
            for (int i = 0; i < vocab; i++) {
                out[i] = Fp16Conversions.fp16ToFloat(logitHalves.get(offset + i));
            }
        } else {
            logitFloats.get(offset, out, 0, vocab);
        }
    }

    /** One run of the graph over the positions not yet in the past (all of them where {@code withPast} is false). */
    private void run(boolean withPast) throws OrtException {
        int total = length;
        int from = withPast ? total - 1 : 0;
        int w = total - from;
        for (int b = 0; b < rows; b++) {
            int pad = pads[b];
            for (int j = 0; j < total; j++) {
                mask.put(b * total + j, j < pad ? 0 : 1);
            }
            for (int t = 0; t < w; t++) {
                int j = from + t;
                ids.put(b * w + t, fed[b * capacity + j]);
                if (positions != null) {
                    positions.put(b * w + t, j < pad ? 1 : j - pad);
                }
            }
        }
        ByteBuffer out = w == 1 ? stepLogits
                : ByteBuffer.allocateDirect(Math.multiplyExact(rows * w, vocab * logitBytes()))
                        .order(ByteOrder.nativeOrder());
        OrtSession.Result result;
        List<OnnxTensor> temporary = new ArrayList<>(4);
        try {
            OnnxTensor logitsOut = w == 1 ? stepLogitsTensor
                    : track(temporary, logitsTensor(out, new long[] {rows, w, vocab}));
            inputs.put(DecoderGraph.INPUT_IDS, track(temporary, ids.tensor(env, new long[] {rows, w})));
            inputs.put(DecoderGraph.ATTENTION_MASK, track(temporary, mask.tensor(env, new long[] {rows, total})));
            if (positions != null) {
                inputs.put(DecoderGraph.POSITION_IDS, track(temporary, positions.tensor(env, new long[] {rows, w})));
            }
            if (graph.useCacheBranch()) {
                inputs.put(DecoderGraph.USE_CACHE_BRANCH, withPast ? branchTrue : branchFalse);
            }
            for (int i = 0; i < pastNames.length; i++) {
                inputs.put(pastNames[i], withPast ? present(previous, presentNames[i]) : emptyPast);
            }
            result = session.run(inputs, presentOutputs, Map.of(DecoderGraph.LOGITS, logitsOut));
        } finally {
            for (OnnxTensor t : temporary) {
                t.close();
            }
        }
        // the past fed to this run belongs to the previous result: release it now
        if (previous != null) {
            previous.close();
        }
        previous = result;
        if (!cache) {
            previous.close();
            previous = null;
        }
        width = w;
        if (graph.logitsType() == OnnxJavaType.FLOAT16) {
            logitHalves = out.asShortBuffer();
            logitFloats = null;
        } else {
            logitFloats = out.asFloatBuffer();
            logitHalves = null;
        }
    }

    private int logitBytes() {
        return graph.logitsType() == OnnxJavaType.FLOAT16 ? 2 : 4;
    }

    private OnnxTensor logitsTensor(ByteBuffer buffer, long[] shape) throws OrtException {
        return graph.logitsType() == OnnxJavaType.FLOAT16
                ? OnnxTensor.createTensor(env, buffer.asShortBuffer(), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(env, buffer.asFloatBuffer(), shape);
    }

    private OnnxTensor own(OnnxTensor t) {
        owned.add(t);
        return t;
    }

    private static OnnxTensor track(List<OnnxTensor> list, OnnxTensor t) {
        list.add(t);
        return t;
    }

    private static OnnxTensorLike present(OrtSession.Result result, String name) {
        OnnxValue v = result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        return (OnnxTensorLike) v;
    }

    @Override
    public void close() {
        if (previous != null) {
            previous.close();
            previous = null;
        }
        for (OnnxTensor t : owned) {
            t.close();
        }
        owned.clear();
        inputs.clear();
    }
}
