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
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * MusicGen's generation of audio codes from text token ids over the ONNX files, the way
 * transformers' {@code MusicgenForConditionalGeneration.generate} runs it: the text encoder once;
 * with classifier-free guidance its states doubled with zeros (and the attention mask with zeros)
 * for the unconditional half; the {@link DelayPattern} built for {@code frames + Kc} steps from the
 * BOS column; then step by step the merged decoder (a first pass with empty pasts and
 * {@code use_cache_branch} false, then one column at a time with the cache, every
 * {@code present.*} fed back as {@code past_key_values.*}), the last position's logits mixed by
 * {@link ClassifierFreeGuidance}, one token per codebook drawn by {@link TopKSampler} (codebooks in
 * order, one uniform draw each from a {@link SplittableRandom} seeded with {@code seed}), the
 * pattern's forced positions applied; finally the pattern undone. The draws follow Java's
 * generator, not PyTorch's: the same seed gives the same codes here, not transformers' codes.
 *
 * <p>Batch 1. Not thread-safe (the sessions are, the generator is per call).
 */
public final class CodeGenerator {

    /** What the folder's configs say: codebooks, pad/BOS id, layers, heads, head size. */
    public record Shape(int numCodebooks, long padTokenId, int layers, int heads, int headDim) {
    }

    private final OrtEnvironment env;
    private final OrtSession textEncoder;
    private final OrtSession decoder;
    private final Shape shape;
    private final DelayPattern pattern;

    public CodeGenerator(OrtEnvironment env, OrtSession textEncoder, OrtSession decoder, Shape shape) {
        this.env = env;
        this.textEncoder = textEncoder;
        this.decoder = decoder;
        this.shape = shape;
        this.pattern = DelayPattern.mono(shape.numCodebooks(), shape.padTokenId());
    }

    /**
     * The audio codes {@code [K][frames]} for the text's token ids.
     *
     * @param guidance the guidance (empty: none, a batch of one conditional row per codebook)
     */
    public long[][] generate(long[] inputIds, long[] attentionMask, int frames, Optional<ClassifierFreeGuidance> guidance,
                             TopKSampler sampler, long seed) throws OrtException {
        GenloomException.require(inputIds.length > 0 && inputIds.length == attentionMask.length,
                "input ids and attention mask must be non-empty and of one length");
        int k = shape.numCodebooks();
        int length = pattern.lengthFor(frames);
        long[][] bos = new long[k][1];
        for (long[] row : bos) {
            row[0] = shape.padTokenId();
        }
        DelayPattern.Pattern built = pattern.build(bos, length);
        long[][] mask = built.mask();
        long[][] seq = built.inputIds();
        int batch = guidance.isPresent() ? 2 : 1;
        float[] hidden = encode(inputIds, attentionMask);
        int n = inputIds.length;
        int textDim = hidden.length / n;
        float[] encoderStates = new float[batch * hidden.length];
        System.arraycopy(hidden, 0, encoderStates, 0, hidden.length);
        long[] encoderMask = new long[batch * n];
        System.arraycopy(attentionMask, 0, encoderMask, 0, n);
        SplittableRandom random = new SplittableRandom(seed);
        OrtSession.Result last = null;
        try (OnnxTensor states = OnnxTensor.createTensor(env, FloatBuffer.wrap(encoderStates), new long[] {batch, n, textDim});
             OnnxTensor statesMask = OnnxTensor.createTensor(env, LongBuffer.wrap(encoderMask), new long[] {batch, n});
             OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                     new long[] {batch, shape.heads(), 0, shape.headDim()});
             OnnxTensor noCache = OnnxTensor.createTensor(env, new boolean[] {false});
             OnnxTensor useCache = OnnxTensor.createTensor(env, new boolean[] {true})) {
            int vocab = -1;
            while (seq[0].length < length) {
                int width = last == null ? seq[0].length : 1;
                long[] ids = new long[batch * k * width];
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < k; r++) {
                        System.arraycopy(seq[r], seq[r].length - width, ids, (b * k + r) * width, width);
                    }
                }
                OrtSession.Result result;
                try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {batch * k, width})) {
                    Map<String, OnnxTensor> in = new HashMap<>();
                    in.put("input_ids", idTensor);
                    in.put("encoder_hidden_states", states);
                    in.put("encoder_attention_mask", statesMask);
                    for (int i = 0; i < shape.layers(); i++) {
                        for (String kind : new String[] {"decoder.key", "decoder.value", "encoder.key", "encoder.value"}) {
                            in.put("past_key_values." + i + "." + kind,
                                    last == null ? empty : present(last, "present." + i + "." + kind));
                        }
                    }
                    in.put("use_cache_branch", last == null ? noCache : useCache);
                    result = decoder.run(in);
                }
                if (last != null) {
                    last.close();
                }
                last = result;
                OnnxTensor logitsTensor = present(result, "logits");
                long[] dims = logitsTensor.getInfo().getShape();
                vocab = (int) dims[2];
                float[] lastPosition = lastPosition(logitsTensor.getFloatBuffer(), batch * k, width, vocab);
                float[] scores = guidance.isPresent() ? guidance.get().apply(lastPosition, batch * k, vocab) : lastPosition;
                long[][] grown = new long[k][];
                for (int r = 0; r < k; r++) {
                    grown[r] = Arrays.copyOf(seq[r], seq[r].length + 1);
                    grown[r][seq[r].length] = sampler.sample(scores, r * vocab, vocab, random);
                }
                seq = DelayPattern.apply(grown, mask);
            }
        } finally {
            if (last != null) {
                last.close();
            }
        }
        return pattern.undo(seq);
    }

    private static OnnxTensor present(OrtSession.Result result, String name) {
        Optional<OnnxValue> v = result.get(name);
        if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE,
                    "the MusicGen decoder gave no tensor " + name);
        }
        return t;
    }

    private static float[] lastPosition(FloatBuffer logits, int rows, int width, int vocab) {
        float[] out = new float[rows * vocab];
        for (int r = 0; r < rows; r++) {
            logits.position((r * width + width - 1) * vocab);
            logits.get(out, r * vocab, vocab);
        }
        return out;
    }

    private float[] encode(long[] inputIds, long[] attentionMask) throws OrtException {
        long[] dims = {1, inputIds.length};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(inputIds), dims);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(attentionMask), dims);
             OrtSession.Result r = textEncoder.run(Map.of("input_ids", ids, "attention_mask", mask))) {
            FloatBuffer b = present(r, "last_hidden_state").getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
