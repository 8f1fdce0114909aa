package dev.genloom.plugins.gpt;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses the next token of one sequence from its logits, with Hugging Face's semantics and order:
 * repetition penalty, no-repeat n-grams, end-of-sequence suppressed before {@code min_new_tokens};
 * then greedy (argmax, lowest id on ties) or sampling after temperature, top-k, top-p and min-p.
 * Works in place on primitive arrays that it owns and reuses from token to token; one instance
 * per sequence, not shared between threads.
 */
final class LogitsProcessor {
    private final GenerationDefaults.Settings settings;
    private final long[] eosIds;
    private final SplittableRandom random;
    private final int vocab;
    /** tokens already in the sequence (prompt and generated), once each, for the repetition penalty */
    private final boolean[] seen;
    private int[] seenList;
    private int seenCount;
    /** scratch for sampling: sortable (logit, id) keys */
    private long[] keys;
    private double[] probs;

    LogitsProcessor(GenerationDefaults.Settings settings, long[] eosIds, int vocab) {
        this.settings = settings;
        this.eosIds = eosIds;
        this.vocab = vocab;
        this.random = new SplittableRandom(settings.seed());
        this.seen = settings.repetitionPenalty() != 1.0 ? new boolean[vocab] : null;
        this.seenList = new int[64];
    }

    /** Records a token of the sequence (each prompt token, then each generated one). */
    void observe(long token) {
        if (seen != null && token >= 0 && token < vocab && !seen[(int) token]) {
            seen[(int) token] = true;
            if (seenCount == seenList.length) {
                seenList = Arrays.copyOf(seenList, seenCount * 2);
            }
            seenList[seenCount++] = (int) token;
        }
    }

    /**
     * The next token.
     *
     * @param logits    the last position's logits, modified in place
     * @param sequence  the sequence so far (prompt and generated), in {@code sequence[0..length)}
     * @param generated how many tokens have been generated so far
     */
    int next(float[] logits, long[] sequence, int length, int generated) {
        double penalty = settings.repetitionPenalty();
        if (seen != null) {
            float p = (float) penalty;
            for (int i = 0; i < seenCount; i++) {
                int t = seenList[i];
                float x = logits[t];
                logits[t] = x > 0 ? x / p : x * p;
            }
        }
        int n = settings.noRepeatNgramSize();
        if (n > 0) {
            banRepeatedNgrams(logits, sequence, length, n);
        }
        if (generated < settings.minNewTokens()) {
            for (long e : eosIds) {
                if (e >= 0 && e < vocab) {
                    logits[(int) e] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return settings.doSample() ? sample(logits) : argmax(logits);
    }

    /** Bans every token that would complete an n-gram already present in the sequence. */
    static void banRepeatedNgrams(float[] logits, long[] seq, int length, int n) {
        if (length + 1 < n) {
            return;
        }
        int prefixStart = length - (n - 1);
        for (int start = 0; start + n <= length; start++) {
            boolean match = true;
            for (int j = 0; j < n - 1; j++) {
                if (seq[start + j] != seq[prefixStart + j]) {
                    match = false;
                    break;
                }
            }
            if (match) {
                long banned = seq[start + n - 1];
                if (banned >= 0 && banned < logits.length) {
                    logits[(int) banned] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    static int argmax(float[] x) {
        int best = 0;
        float max = x[0];
        for (int i = 1; i < x.length; i++) {
            if (x[i] > max) {
                max = x[i];
                best = i;
            }
        }
        return best;
    }

    private int sample(float[] x) {
        float inv = (float) (1.0 / settings.temperature());
        if (keys == null) {
            keys = new long[x.length];
            probs = new double[x.length];
        }
        int count = 0;
        for (int i = 0; i < x.length; i++) {
            float v = x[i] * inv;
            if (v != Float.NEGATIVE_INFINITY && !Float.isNaN(v)) {
                keys[count++] = ((long) sortable(v) << 32) | (i & 0xFFFFFFFFL);
            }
        }
        if (count == 0) {
            return argmax(x);
        }
        Arrays.sort(keys, 0, count);
        // candidates in descending order: keys[count - 1 - j]
        int keep = count;
        int k = settings.topK();
        if (k > 0 && k < keep) {
            float kth = valueOf(keys[count - k]);
            keep = k;
            while (keep < count && valueOf(keys[count - 1 - keep]) == kth) {
                keep++; // ties with the k-th value stay, as in Hugging Face's top-k
            }
        }
        float max = valueOf(keys[count - 1]);
        double sum = 0;
        for (int j = 0; j < keep; j++) {
            double p = Math.exp(valueOf(keys[count - 1 - j]) - max);
            probs[j] = p;
            sum += p;
        }
        double topP = settings.topP();
        if (topP < 1.0) {
            double cumulative = 0;
            int j = 0;
            while (j < keep && cumulative < topP * sum) {
                cumulative += probs[j];
                j++;
            }
            keep = Math.max(1, j);
        }
        double minP = settings.minP();
        if (minP > 0) {
            // probs[0] is the most likely token (exp(0) = 1): keep those with p >= minP * pmax
            int j = 1;
            while (j < keep && probs[j] >= minP) {
                j++;
            }
            keep = j;
        }
        double total = 0;
        for (int j = 0; j < keep; j++) {
            total += probs[j];
        }
        double r = random.nextDouble() * total;
        for (int j = 0; j < keep; j++) {
            r -= probs[j];
            if (r < 0) {
                return (int) keys[count - 1 - j];
            }
        }
        return (int) keys[count - keep];
    }

    /** An int whose signed order is the float's order. */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    private static float valueOf(long key) {
        int s = (int) (key >> 32);
        return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7FFFFFFF));
    }
}
