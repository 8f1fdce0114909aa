package dev.genloom.plugins.whisper;

/**
 * What Whisper's decoding forbids at each step, applied to one row of logits in place (forbidden
 * tokens become {@code -inf}):
 * <ul>
 *   <li>{@code suppress_tokens} always; {@code begin_suppress_tokens} on the first generated token;</li>
 *   <li>without timestamps, every timestamp token; with them, {@code <|notimestamps|>} and the
 *       timestamp rules: timestamps come in pairs (after one timestamp that follows text, only a
 *       timestamp or the end may follow; after a pair, only text or the end), they never decrease
 *       (a closing timestamp may equal the opening one, the next opening one must be later), the
 *       first generated token is a timestamp no later than {@code max_initial_timestamp_index}, and
 *       where the timestamps together are more likely than the likeliest text token, a timestamp
 *       must come.</li>
 * </ul>
 * Stateless: the generated tokens so far are passed in.
 */
final class LogitRules {

    private final WhisperTokens tokens;
    private final int vocab;

    LogitRules(WhisperTokens tokens, int vocab) {
        this.tokens = tokens;
        this.vocab = vocab;
    }

    /**
     * Applies the rules to {@code logits} (length the vocabulary) given the {@code count} tokens
     * generated so far in {@code generated} (after the prompt). Where {@code normalise}, returns the
     * log of the softmax normaliser of the result ({@code log sum exp(logits)}), so that a token's
     * log-probability is {@code logits[t] - result} (one pass of {@code exp} over the vocabulary);
     * otherwise NaN, and no pass over the vocabulary beyond the rules' own.
     */
    double apply(float[] logits, long[] generated, int count, boolean timestamps, boolean normalise) {
        for (int t : tokens.suppress()) {
            forbid(logits, t);
        }
        if (count == 0) {
            for (int t : tokens.beginSuppress()) {
                forbid(logits, t);
            }
        }
        int tsBegin = tokens.timestampBegin();
        if (!timestamps) {
            forbidRange(logits, tsBegin, vocab);
            return normalise ? logSumExp(logits, 0, logits.length) : Double.NaN;
        }
        forbid(logits, tokens.noTimestamps());
        int eot = tokens.eot();
        boolean lastWasTimestamp = count >= 1 && generated[count - 1] >= tsBegin;
        boolean penultimateWasTimestamp = count < 2 || generated[count - 2] >= tsBegin;
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) {
                forbidRange(logits, tsBegin, vocab); // a pair is closed: text or the end
            } else {
                forbidRange(logits, 0, eot); // an open timestamp: another timestamp or the end
            }
        }
        long lastTimestamp = -1;
        for (int i = count - 1; i >= 0; i--) {
            if (generated[i] >= tsBegin) {
                lastTimestamp = generated[i];
                break;
            }
        }
        if (lastTimestamp >= 0) {
            // never decreasing; a closing timestamp may repeat the opening one, a new one must move on
            long from = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            forbidRange(logits, tsBegin, (int) Math.min(from, vocab));
        }
        if (count == 0) {
            forbidRange(logits, 0, tsBegin); // the first token is a timestamp
            int lastAllowed = tsBegin + tokens.maxInitialTimestampIndex();
            forbidRange(logits, lastAllowed + 1, vocab);
        }
        // where the timestamps together outweigh every text token, a timestamp must come (both sides
        // of that comparison are log-probabilities over one normaliser, so it cancels)
        double stamps = logSumExp(logits, tsBegin, vocab);
        float maxText = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < tsBegin; i++) {
            maxText = Math.max(maxText, logits[i]);
        }
        if (stamps != Double.NEGATIVE_INFINITY && stamps > maxText) {
            forbidRange(logits, 0, tsBegin);
            return normalise ? stamps : Double.NaN;
        }
        return normalise ? logSumExp(logits, 0, logits.length) : Double.NaN;
    }

    /** {@code log sum exp} of {@code v[from, to)}; {@code -inf} where all are. */
    static double logSumExp(float[] v, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            if (v[i] > max) {
                max = v[i];
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        // terms more than 30 below the maximum add under e^-30 each (5e-9 relatively over 51k tokens):
        // skipping their exp makes a peaked distribution cheap
        double sum = 0;
        float floor = max - 30f;
        for (int i = from; i < to; i++) {
            float x = v[i];
            if (x > floor) {
                sum += Math.exp(x - max);
            }
        }
        return max + Math.log(sum);
    }

    private void forbid(float[] logits, int token) {
        if (token >= 0 && token < vocab) {
            logits[token] = Float.NEGATIVE_INFINITY;
        }
    }

    private static void forbidRange(float[] logits, int from, int to) {
        for (int i = Math.max(from, 0); i < Math.min(to, logits.length); i++) {
            logits[i] = Float.NEGATIVE_INFINITY;
        }
    }
}
