package dev.genloom.plugins.clip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Texts as the text tower takes them: tokens with the tokenizer's special tokens, cut to the
 * model's positions (the last token, the end-of-text CLIP pools at, is kept), a batch padded on
 * the right to its longest text with the pad token and an attention mask of 1s and 0s. CLIP's
 * causal attention and its pooling at the end-of-text token make right padding harmless.
 */
final class Prompts {
    private final Tokenizer tokenizer;
    private final int maxPositions;
    private final long padId;

    Prompts(Tokenizer tokenizer, int maxPositions, long padId) {
        this.tokenizer = tokenizer;
        this.maxPositions = maxPositions;
        this.padId = padId;
    }

    /**
     * The prompts of a folder: positions from {@code text_config.max_position_embeddings} (77 where
     * absent), the pad token from {@code tokenizer_config.json}'s {@code pad_token} (else its
     * {@code eos_token}, else {@code text_config.pad_token_id}).
     */
    static Prompts of(ModelFolder folder, Tokenizer tokenizer) {
        JsonNode text = folder.config().path("text_config");
        int positions = text.path("max_position_embeddings").asInt(77);
        JsonNode tc = folder.json("tokenizer_config.json").orElse(null);
        long pad = -1;
        for (String key : List.of("pad_token", "eos_token")) {
            String token = tc == null ? null : tokenText(tc.path(key));
            OptionalLong id = token == null ? OptionalLong.empty() : tokenizer.tokenId(token);
            if (id.isPresent()) {
                pad = id.getAsLong();
                break;
            }
        }
        if (pad < 0) {
            pad = text.path("pad_token_id").asLong(text.path("eos_token_id").asLong(-1));
        }
        if (pad < 0) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, folder.path() + " names no pad token: neither "
                    + "tokenizer_config.json's pad_token or eos_token nor config.json's text_config.pad_token_id",
                    "keep the export's tokenizer_config.json", null);
        }
        return new Prompts(tokenizer, positions, pad);
    }

    /** A token in tokenizer_config.json: a string, or an object with its content. */
    private static String tokenText(JsonNode n) {
        if (n.isTextual()) {
            return n.asText();
        }
        return n.path("content").isTextual() ? n.path("content").asText() : null;
    }

    /** Token ids, attention masks, and which texts were cut to the model's positions. */
    record Batch(long[][] ids, long[][] mask, boolean[] truncated) {
    }

    /** The tokens of one text, cut to the positions. */
    long[] tokens(String text) {
        return cut(tokenizer.encode(text, true).ids());
    }

    private long[] cut(long[] ids) {
        if (ids.length == 0) {
            return new long[] {padId};
        }
        if (ids.length > maxPositions) {
            long last = ids[ids.length - 1];
            ids = Arrays.copyOf(ids, maxPositions);
            ids[maxPositions - 1] = last;
        }
        return ids;
    }

    /** A padded batch of texts. */
    Batch encode(List<String> texts) {
        long[][] tokens = new long[texts.size()][];
        boolean[] truncated = new boolean[texts.size()];
        int longest = 1;
        for (int i = 0; i < tokens.length; i++) {
            long[] all = tokenizer.encode(texts.get(i), true).ids();
            truncated[i] = all.length > maxPositions;
            tokens[i] = cut(all);
            longest = Math.max(longest, tokens[i].length);
        }
        long[][] ids = new long[tokens.length][longest];
        long[][] mask = new long[tokens.length][longest];
        for (int i = 0; i < tokens.length; i++) {
            Arrays.fill(ids[i], padId);
            System.arraycopy(tokens[i], 0, ids[i], 0, tokens[i].length);
            Arrays.fill(mask[i], 0, tokens[i].length, 1);
        }
        return new Batch(ids, mask, truncated);
    }

    int maxPositions() {
        return maxPositions;
    }
}
