package dev.genloom.plugins.gpt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.TextOptions;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;

/**
 * What {@code generation_config.json} and {@code config.json} say about generation, and how a
 * caller's {@link TextOptions} resolve against it (a null option takes the model's value, else
 * the Hugging Face default).
 *
 * @param eosIds       end-of-sequence ids: {@code eos_token_id} of generation_config (int or list)
 *                     and of config.json, together
 * @param padId        the id fed for left padding and for rows that have finished
 * @param context      the longest sequence the model takes ({@code n_positions},
 *                     {@code max_position_embeddings}, ...; {@link Integer#MAX_VALUE} where unknown)
 */
record GenerationDefaults(long[] eosIds, long padId, int context, Integer maxNewTokens, Integer minNewTokens,
                          Boolean doSample, Double temperature, Integer topK, Double topP, Double minP,
                          Double repetitionPenalty, Integer noRepeatNgramSize) {

    /** Without max_new_tokens in generation_config.json. */
    static final int DEFAULT_MAX_NEW_TOKENS = 256;
    /** Hugging Face's default top_k when sampling. */
    static final int DEFAULT_TOP_K = 50;

    static GenerationDefaults read(JsonNode config, JsonNode generation) {
        Set<Long> eos = new LinkedHashSet<>();
        addIds(eos, generation.path("eos_token_id"));
        addIds(eos, config.path("eos_token_id"));
        long pad = -1;
        for (JsonNode n : new JsonNode[] {generation.path("pad_token_id"), config.path("pad_token_id")}) {
            if (pad < 0 && n.isIntegralNumber()) {
                pad = n.asLong();
            }
        }
        if (pad < 0) {
            pad = eos.isEmpty() ? 0 : eos.iterator().next();
        }
        int context = DecoderGraph.firstInt(config, "n_positions", "max_position_embeddings", "n_ctx",
                "max_sequence_length", "seq_length");
        return new GenerationDefaults(eos.stream().mapToLong(Long::longValue).toArray(), pad,
                context > 0 ? context : Integer.MAX_VALUE, integer(generation, "max_new_tokens"),
                integer(generation, "min_new_tokens"),
                generation.path("do_sample").isBoolean() ? generation.path("do_sample").asBoolean() : null,
                number(generation, "temperature"), integer(generation, "top_k"), number(generation, "top_p"),
                number(generation, "min_p"), number(generation, "repetition_penalty"),
                integer(generation, "no_repeat_ngram_size"));
    }

    private static void addIds(Set<Long> out, JsonNode n) {
        if (n.isIntegralNumber()) {
            out.add(n.asLong());
        } else if (n.isArray()) {
            n.forEach(e -> {
                if (e.isIntegralNumber()) {
                    out.add(e.asLong());
                }
            });
        }
    }

    private static Integer integer(JsonNode o, String key) {
        JsonNode n = o.path(key);
        return n.isIntegralNumber() ? n.asInt() : null;
    }

    private static Double number(JsonNode o, String key) {
        JsonNode n = o.path(key);
        return n.isNumber() ? n.asDouble() : null;
    }

    boolean isEos(long id) {
        for (long e : eosIds) {
            if (e == id) {
                return true;
            }
        }
        return false;
    }

    /** The caller's options over the model's defaults. */
    Settings resolve(TextOptions o) {
        boolean samplingAsked = o.temperature() != null || o.topK() != null || o.topP() != null || o.minP() != null;
        boolean sample = o.doSample() != null ? o.doSample()
                : samplingAsked || (doSample != null && doSample);
        double t = or(o.temperature(), temperature, 1.0);
        if (t == 0) {
            sample = false;
        }
        int k = o.topK() != null ? o.topK() : topK != null ? topK : DEFAULT_TOP_K;
        int maxNew = o.maxNewTokens() != null ? o.maxNewTokens()
                : maxNewTokens != null && maxNewTokens > 0 ? maxNewTokens : DEFAULT_MAX_NEW_TOKENS;
        int minNew = o.minNewTokens() != null ? o.minNewTokens() : minNewTokens != null ? minNewTokens : 0;
        long seed = o.seed() != null ? o.seed() : System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
        return new Settings(maxNew, Math.min(minNew, maxNew), sample, t, Math.max(k, 0), or(o.topP(), topP, 1.0),
                or(o.minP(), minP, 0.0), or(o.repetitionPenalty(), repetitionPenalty, 1.0),
                o.noRepeatNgramSize() != null ? o.noRepeatNgramSize() : noRepeatNgramSize != null ? noRepeatNgramSize : 0,
                seed, o.stop(), o.truncatePrompt());
    }

    private static double or(Double a, Double b, double c) {
        return a != null ? a : b != null ? b : c;
    }

    /** Resolved generation settings; nothing null. */
    record Settings(int maxNewTokens, int minNewTokens, boolean doSample, double temperature, int topK, double topP,
                    double minP, double repetitionPenalty, int noRepeatNgramSize, long seed,
                    List<String> stop, boolean truncatePrompt) {
    }

    @Override
    public String toString() {
        return "GenerationDefaults[eos=" + Arrays.toString(eosIds) + ", pad=" + padId + ", context=" + context + "]";
    }
}
