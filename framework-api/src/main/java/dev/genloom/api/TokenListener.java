package dev.genloom.api;

/**
 * Receives generated text as it grows. Each call gets the next piece of text; pieces never split a
 * multi-byte character, and their concatenation is the generation's text.
 */
@FunctionalInterface
public interface TokenListener {
    /** A listener that ignores the text. */
    TokenListener NONE = piece -> { };

    /** Receives the next piece of generated text. */
    void onText(String piece);
}
