package dev.genloom.api;

import java.util.Arrays;

/**
 * The result of a text generation.
 *
 * @param text             the generated text (without the prompt)
 * @param tokenIds         the generated token ids, in order
 * @param promptTokens     how many tokens the prompt had
 * @param finishReason     why generation stopped
 * @param prefillNanos     time spent on the prompt, up to the first generated token
 * @param decodeNanos      time spent generating the remaining tokens
 */
public record Generation(String text, long[] tokenIds, int promptTokens, FinishReason finishReason,
                         long prefillNanos, long decodeNanos) {

    /** Why a generation stopped. */
    public enum FinishReason {
        /** An end-of-sequence token was generated. */
        EOS,
        /** A stop string appeared in the text (the text is cut before it). */
        STOP_STRING,
        /** {@code maxNewTokens} was reached. */
        LENGTH
    }

    /** Copies the token ids. */
    public Generation {
        tokenIds = tokenIds.clone();
    }

    /** A copy of the generated token ids. */
    @Override
    public long[] tokenIds() {
        return tokenIds.clone();
    }

    /** How many tokens were generated. */
    public int generatedTokens() {
        return tokenIds.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Generation g && text.equals(g.text) && Arrays.equals(tokenIds, g.tokenIds)
                && promptTokens == g.promptTokens && finishReason == g.finishReason;
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + Arrays.hashCode(tokenIds);
    }

    @Override
    public String toString() {
        return "Generation[" + tokenIds.length + " tokens, " + finishReason + ": " + text + "]";
    }
}
