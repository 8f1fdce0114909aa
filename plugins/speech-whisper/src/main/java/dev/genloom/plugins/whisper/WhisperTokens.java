package dev.genloom.plugins.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.Tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import dev.genloom.api.ErrorKind;
import java.util.Arrays;

/**
 * The special token ids of one Whisper model, from {@code generation_config.json} and
 * {@code config.json} first, then from the tokenizer. Timestamp tokens follow
 * {@code <|notimestamps|>}: {@code timestampBegin + i} is {@code i * 0.02} s; older tokenizer files do
 * not list them, so they are never decoded as text.
 *
 * @param languages language code ({@code en}) to token id, in the vocabulary's order; empty for
 *                  a model whose generation config does not list them
 */
record WhisperTokens(int eot, int sot, int transcribe, int translate, int startOfPrev, int noSpeech,
                     int noTimestamps, int timestampBegin, boolean multilingual, Map<String, Integer> languages,
                     int[] suppress, int[] beginSuppress, int maxInitialTimestampIndex) {

    /** Seconds per timestamp token. */
    static final double TIMESTAMP_STEP = 0.02;

    static WhisperTokens read(ModelFolder folder, Tokenizer tokenizer) {
        JsonNode config = folder.config();
        JsonNode gen = folder.json("generation_config.json").orElse(config);
        int eot = id(gen, config, "eos_token_id", tokenizer, "<|endoftext|>", folder);
        int sot = id(gen, config, "decoder_start_token_id", tokenizer, "<|startoftranscript|>", folder);
        int noTimestamps = id(gen, config, "no_timestamps_token_id", tokenizer, "<|notimestamps|>", folder);
        int transcribe = gen.path("task_to_id").path("transcribe").asInt(optional(tokenizer, "<|transcribe|>"));
        int translate = gen.path("task_to_id").path("translate").asInt(optional(tokenizer, "<|translate|>"));
        int startOfPrev = gen.path("prev_sot_token_id").asInt(optional(tokenizer, "<|startofprev|>"));
        int noSpeech = optional(tokenizer, "<|nospeech|>");
        if (noSpeech < 0) {
            noSpeech = optional(tokenizer, "<|nocaptions|>");
        }
        Map<String, Integer> languages = new LinkedHashMap<>();
        JsonNode langToId = gen.path("lang_to_id");
        for (Map.Entry<String, JsonNode> e : langToId.properties()) {
            String token = e.getKey();
            if (token.startsWith("<|") && token.endsWith("|>")) {
                languages.put(token.substring(2, token.length() - 2), e.getValue().asInt());
            }
        }
        boolean multilingual = gen.path("is_multilingual").asBoolean(!languages.isEmpty());
        if (multilingual && (languages.isEmpty() || transcribe < 0 || translate < 0)) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, folder.path() + "/generation_config.json says is_multilingual but "
                    + "lacks lang_to_id or task_to_id", "export the model's generation config with its tokenizer", null);
        }
        int[] suppress = ints(gen.has("suppress_tokens") ? gen.path("suppress_tokens") : config.path("suppress_tokens"));
        int[] beginSuppress = ints(gen.has("begin_suppress_tokens")
                ? gen.path("begin_suppress_tokens") : config.path("begin_suppress_tokens"));
        int maxInitial = gen.path("max_initial_timestamp_index").asInt(50);
        return new WhisperTokens(eot, sot, transcribe, translate, startOfPrev, noSpeech, noTimestamps, noTimestamps + 1,
                multilingual, Collections.unmodifiableMap(languages), suppress, beginSuppress, maxInitial);
    }

    /** Whether a token is a timestamp. */
    boolean isTimestamp(long token) {
        return token >= timestampBegin;
    }

    /** Seconds of a timestamp token. */
    double seconds(long token) {
        return (token - timestampBegin) * TIMESTAMP_STEP;
    }

    /**
     * The decoder prompt: start of transcript, then (multilingual models) language and task, then
     * {@code <|notimestamps|>} where no timestamps are wanted.
     */
    long[] prompt(String language, boolean translate, boolean timestamps) {
        long[] p = new long[4];
        int n = 0;
        p[n++] = sot;
        if (multilingual) {
            p[n++] = languages.get(language);
            p[n++] = translate ? this.translate : transcribe;
        }
        if (!timestamps) {
            p[n++] = noTimestamps;
        }
        return Arrays.copyOf(p, n);
    }

    private static int id(JsonNode gen, JsonNode config, String key, Tokenizer tokenizer, String token,
                          ModelFolder folder) {
        JsonNode v = gen.path(key);
        if (!v.isInt()) {
            v = config.path(key);
        }
        if (v.isInt()) {
            return v.asInt();
        }
        if (v.isArray() && !v.isEmpty() && v.get(0).isInt()) {
            return v.get(0).asInt();
        }
        OptionalLong id = tokenizer.tokenId(token);
        if (id.isPresent()) {
            return (int) id.getAsLong();
        }
        throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, folder.path() + ": no " + key + " in generation_config.json or "
                + "config.json, and the tokenizer has no " + token, "this does not look like a Whisper export", null);
    }

    private static int optional(Tokenizer tokenizer, String token) {
        OptionalLong id = tokenizer.tokenId(token);
        return id.isPresent() ? (int) id.getAsLong() : -1;
    }

    private static int[] ints(JsonNode array) {
        if (!array.isArray()) {
            return new int[0];
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
