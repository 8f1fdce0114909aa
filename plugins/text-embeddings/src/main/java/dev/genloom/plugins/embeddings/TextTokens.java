package dev.genloom.plugins.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Tokenizer;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Pre-processing: a text, with the prefix its kind asks for, to the token ids the encoder is
 * given, at most {@link #maxLength()} of them. A longer text keeps its first tokens and the
 * special tokens the tokenizer puts at its end ({@code [SEP]}), as Transformers truncates.
 *
 * <p>The host's tokenizer neither pads nor truncates, whatever {@code tokenizer.json} ships with
 * (sentence-transformers exports often pad and truncate to 128): padding happens per batch, to
 * the longest text, in {@link EncoderGraph}.
 */
final class TextTokens {
    /** Model types whose position ids start after the padding id (RoBERTa's offset of 2). */
    private static final Set<String> OFFSET_POSITIONS = Set.of("roberta", "xlm-roberta", "camembert");
    /** model_max_length values at or above this mean "no limit" (Transformers writes 1e30). */
    private static final long NO_LIMIT = 1_000_000;

    private final Tokenizer tokenizer;
    private final int maxLength;
    private final String limitSource;
    private final int tail;
    private final String queryPrefix;
    private final String passagePrefix;

    /** One text's ids, and whether it lost tokens to the maximum length. */
    record Encoded(long[] ids, boolean truncated) {
    }

    private TextTokens(Tokenizer tokenizer, int maxLength, String limitSource, int tail, String queryPrefix,
                       String passagePrefix) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.limitSource = limitSource;
        this.tail = tail;
        this.queryPrefix = queryPrefix;
        this.passagePrefix = passagePrefix;
    }

    /** Reads the limits and prefixes of the folder and the load options. */
    static TextTokens read(ModelContext ctx, Tokenizer tokenizer) {
        int[] specials = specials(tokenizer);
        Limit limit = limit(ctx);
        if (limit.length() < specials[0] + specials[1] + 1) {
            throw GenloomException.invalidInput("maximum length " + limit.length() + " (" + limit.source()
                    + ") leaves no room for a text beside the " + (specials[0] + specials[1]) + " special tokens");
        }
        JsonNode prompts = ctx.folder().json("config_sentence_transformers.json")
                .map(j -> j.path("prompts")).orElse(null);
        String query = ctx.option("query_prefix", String.class).orElse(prompt(prompts, "query"));
        String passage = ctx.option("passage_prefix", String.class)
                .orElse(Optional.ofNullable(prompt(prompts, "passage")).orElse(prompt(prompts, "document")));
        return new TextTokens(tokenizer, limit.length(), limit.source(), specials[1],
                query == null ? "" : query, passage == null ? "" : passage);
    }

    private static String prompt(JsonNode prompts, String key) {
        if (prompts == null || !prompts.path(key).isTextual()) {
            return null;
        }
        return prompts.path(key).asText();
    }

    /** The most tokens a text may have and where that number comes from. */
    record Limit(int length, String source) {
    }

    /**
     * The {@code max_length} option, else the smallest of {@code max_position_embeddings} (less
     * RoBERTa's offset), {@code model_max_length} and {@code max_seq_length}; unlimited where none is given.
     */
    static Limit limit(ModelContext ctx) {
        Optional<Integer> option = ctx.option("max_length", Integer.class);
        if (option.isPresent()) {
            if (option.get() < 1) {
                throw GenloomException.invalidInput("load option max_length must be at least 1, got " + option.get());
            }
            return new Limit(option.get(), "load option max_length");
        }
        Limit best = new Limit(Integer.MAX_VALUE, "no limit given by the model folder");
        JsonNode config = ctx.folder().config();
        JsonNode positions = config.path("max_position_embeddings");
        if (positions.canConvertToLong() && positions.asLong() > 0) {
            long n = positions.asLong();
            if (OFFSET_POSITIONS.contains(config.path("model_type").asText(""))) {
                n -= config.path("pad_token_id").asLong(1) + 1;
            }
            best = smaller(best, n, "config.json max_position_embeddings");
        }
        JsonNode modelMax = ctx.folder().json("tokenizer_config.json").map(j -> j.path("model_max_length")).orElse(null);
        if (modelMax != null && modelMax.isNumber() && modelMax.asDouble() > 0 && modelMax.asDouble() < NO_LIMIT) {
            best = smaller(best, modelMax.asLong(), "tokenizer_config.json model_max_length");
        }
        JsonNode seqMax = ctx.folder().json("sentence_bert_config.json").map(j -> j.path("max_seq_length")).orElse(null);
        if (seqMax != null && seqMax.canConvertToLong() && seqMax.asLong() > 0) {
            best = smaller(best, seqMax.asLong(), "sentence_bert_config.json max_seq_length");
        }
        return best;
    }

    private static Limit smaller(Limit current, long n, String source) {
        return n < current.length() ? new Limit((int) Math.min(n, Integer.MAX_VALUE), source) : current;
    }

    /** How many special tokens the tokenizer puts before and after a text: {@code [CLS] ... [SEP]} is 1 and 1. */
    static int[] specials(Tokenizer tokenizer) {
        long[] with = tokenizer.encode("a", true).ids();
        long[] without = tokenizer.encode("a", false).ids();
        for (int at = 0; at + without.length <= with.length; at++) {
            if (Arrays.equals(Arrays.copyOfRange(with, at, at + without.length), without)) {
                return new int[] {at, with.length - at - without.length};
            }
        }
        return new int[] {0, 0};
    }

    /** The most tokens a text is given to the model with. */
    int maxLength() {
        return maxLength;
    }

    /** Where {@link #maxLength()} comes from, for messages. */
    String limitSource() {
        return limitSource;
    }

    /** The prefix put before a text for these options. */
    String prefix(EmbeddingOptions options) {
        if (options.prefix() != null) {
            return options.prefix();
        }
        return switch (options.kind()) {
            case QUERY -> queryPrefix;
            case PASSAGE -> passagePrefix;
            case TEXT -> "";
        };
    }

    /**
     * Refuses a text that is null or blank.
     *
     * @param index where it is in a batch, or empty for a single text
     */
    static void check(String text, OptionalInt index) {
        if (text == null || text.isBlank()) {
            String which = index.isPresent() ? "text " + (index.getAsInt() + 1) : "the text";
            throw new GenloomException(ErrorKind.INVALID_INPUT, which + " is " + (text == null ? "missing" : "empty")
                    + ": an empty text has no embedding", "give a text with at least one word", null);
        }
    }

    /** The ids of a text (checked with {@link #check}) behind the options' prefix, truncated to the maximum length. */
    Encoded encode(String text, EmbeddingOptions options) {
        long[] ids = tokenizer.encode(prefix(options) + text, true).ids();
        if (ids.length <= maxLength) {
            return new Encoded(ids, false);
        }
        long[] kept = new long[maxLength];
        System.arraycopy(ids, 0, kept, 0, maxLength - tail);
        System.arraycopy(ids, ids.length - tail, kept, maxLength - tail, tail);
        return new Encoded(kept, true);
    }
}
