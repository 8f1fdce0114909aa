package dev.genloom.plugins.musicgen;

import dev.genloom.api.GenloomException;
import java.util.random.RandomGenerator;

/**
 * Top-k sampling of one token from a row of logits, as transformers' {@code TemperatureLogitsWarper}
 * then {@code TopKLogitsWarper} and multinomial sampling do it: the logits divided by the
 * temperature, every logit below the k-th largest dropped (ties with the k-th kept), softmax over
 * the rest, and a draw.
 *
 * <p>The draw is {@link #pick}: one uniform {@code u} in {@code [0, 1)} from the seeded generator,
 * the token the first whose cumulative probability (in id order over the kept tokens) exceeds
 * {@code u}. Example: logits {@code [2, 1, 0, -1]}, k 2: the kept probabilities are
 * {@code e^2 / (e^2 + e) = 0.731} and {@code 0.269}, so {@code u = 0.7} picks 0 and {@code u = 0.75} picks 1.
 */
public final class TopKSampler {

    private final int topK;
    private final double temperature;

    /**
     * @param topK        {@code top_k} (at least 1; above the vocabulary it keeps all)
     * @param temperature {@code temperature} (above 0; 1 leaves the logits as they are)
     */
    public TopKSampler(int topK, double temperature) {
        GenloomException.require(topK >= 1, "top_k must be at least 1, got " + topK);
        GenloomException.require(temperature > 0 && Double.isFinite(temperature),
                "temperature must be a positive number, got " + temperature);
        this.topK = topK;
        this.temperature = temperature;
    }

    public int topK() {
        return topK;
    }

    public double temperature() {
        return temperature;
    }

    /** Samples a token from {@code logits[offset, offset + vocab)} with {@code random}. */
    public int sample(float[] logits, int offset, int vocab, RandomGenerator random) {
        return pick(logits, offset, vocab, random.nextDouble());
    }

    /** The token that the uniform draw {@code u} in {@code [0, 1)} selects (see the class comment). */
    public int pick(float[] logits, int offset, int vocab, double u) {
        GenloomException.require(vocab > 0 && offset >= 0 && offset + vocab <= logits.length,
                "no row of " + vocab + " logits at " + offset + " in " + logits.length);
        double threshold = kthLargest(logits, offset, vocab, Math.min(topK, vocab));
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i] / temperature);
        }
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            if (logits[offset + i] >= threshold) {
                total += Math.exp(logits[offset + i] / temperature - max);
            }
        }
        double target = u * total;
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < vocab; i++) {
            if (logits[offset + i] >= threshold) {
                cumulative += Math.exp(logits[offset + i] / temperature - max);
                last = i;
                if (cumulative > target) {
                    return i;
                }
            }
        }
        return last;
    }

    /** The k-th largest value of the row (k from 1), by a partial selection of the k largest. */
    private static double kthLargest(float[] logits, int offset, int vocab, int k) {
        float[] best = new float[k];
        int filled = 0;
        for (int i = 0; i < vocab; i++) {
            float v = logits[offset + i];
            if (filled < k) {
                int j = filled++;
                while (j > 0 && best[j - 1] < v) {
                    best[j] = best[j - 1];
                    j--;
                }
                best[j] = v;
            } else if (v > best[k - 1]) {
                int j = k - 1;
                while (j > 0 && best[j - 1] < v) {
                    best[j] = best[j - 1];
                    j--;
                }
                best[j] = v;
            }
        }
        return best[k - 1];
    }
}
