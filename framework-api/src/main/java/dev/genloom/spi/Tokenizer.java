package dev.genloom.spi;

import java.util.OptionalLong;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}), loaded by the host. Never truncates: a text
 * of any length encodes to all of its tokens. Safe to use from several threads. Close it when done.
 */
public interface Tokenizer extends AutoCloseable {

    /** The tokens of a text, with the tokenizer's special tokens (BOS, ...) where it adds them. */
    Encoding encode(String text, boolean addSpecialTokens);

    /** The tokens of a text, with the tokenizer's special tokens where it adds them. */
    default Encoding encode(String text) {
        return encode(text, true);
    }

    /** The text of token ids. */
    String decode(long[] ids, boolean skipSpecialTokens);

    /** The text of token ids, without special tokens. */
    default String decode(long[] ids) {
        return decode(ids, true);
    }

    /** The id of one token of the vocabulary ({@code <|endoftext|>}), if it is one. */
    OptionalLong tokenId(String token);

    @Override
    void close();

    /** Token ids and their token strings. */
    record Encoding(long[] ids, String[] tokens) {
        /** How many tokens. */
        public int size() {
            return ids.length;
        }
    }
}
