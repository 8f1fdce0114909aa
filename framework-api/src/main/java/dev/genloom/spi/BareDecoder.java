package dev.genloom.spi;

import java.nio.FloatBuffer;

/**
 * A family's baseline for the benchmark harness: a greedy decoding loop written directly against
 * ONNX Runtime over the model folder's own files, in sessions from the host's
 * {@link SessionFactory}, with nothing of the framework in between (no logits processing, no
 * stop rules, no text). The harness times the framework's decoding against it in one process.
 *
 * <p>The family knows its export's tensor names; the host and the harness do not. Close it to
 * release its sessions.
 */
public interface BareDecoder extends AutoCloseable {

    /**
     * Decodes {@code steps} tokens greedily (the likeliest token each step, however it ends).
     *
     * @param prompt the token ids to start from; null or empty for the family's own start (Whisper:
     *               the start-of-transcript tokens over the encoding of silence)
     * @param steps  how many tokens to decode, at least 1
     * @return the tokens decoded and the time of the steps after the first (the first includes the
     *         prompt's prefill)
     */
    Decoded decode(long[] prompt, int steps);

    @Override
    void close();

    /**
     * The likeliest token at the last position of row-major float logits of shape
     * {@code [..., positions, vocab]} (batch 1): what a bare greedy loop picks.
     */
    static int lastPositionArgmax(FloatBuffer logits, long[] shape) {
        int vocab = (int) shape[shape.length - 1];
        int base = (int) ((shape[shape.length - 2] - 1) * vocab);
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            float x = logits.get(base + v);
            if (x > bestValue) {
                bestValue = x;
                best = v;
            }
        }
        return best;
    }

    /**
     * What one run decoded.
     *
     * @param tokens     the decoded token ids, {@code steps} of them
     * @param stepsNanos the nanoseconds spent in the steps after the first
     */
    record Decoded(long[] tokens, long stepsNanos) {
        /** Milliseconds per step after the first; 0 where there was only one step. */
        public double millisPerStep() {
            return tokens.length <= 1 ? 0 : stepsNanos / 1e6 / (tokens.length - 1);
        }
    }
}
