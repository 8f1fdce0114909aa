package dev.genloom.api;

import java.util.List;

import static dev.genloom.api.GenloomException.require;

/**
 * Options of text generation. A null field means "what the model's {@code generation_config.json}
 * says, else the framework default": greedy decoding unless the model asks for sampling.
 * Setting {@code temperature}, {@code topK}, {@code topP} or {@code minP} without {@code doSample}
 * turns sampling on (a temperature of 0 means greedy).
 *
 * @param maxNewTokens       at most this many generated tokens (default: the model's
 *                           {@code max_new_tokens}, else 256)
 * @param minNewTokens       end-of-sequence is not allowed before this many tokens (default 0)
 * @param doSample           sample (true) or take the most likely token (false)
 * @param temperature        divides the logits before sampling; >= 0
 * @param topK               sample among the k most likely tokens; 0 = all
 * @param topP               sample among the most likely tokens whose probabilities sum to p; (0, 1]
 * @param minP               drop tokens less likely than minP times the most likely one; [0, 1]
 * @param repetitionPenalty  > 1 makes tokens already present less likely; > 0
 * @param noRepeatNgramSize  never repeat an n-gram of this size; 0 = off
 * @param seed               seed of the sampler; the same seed gives the same text
 * @param stop               generation stops before the first of these strings
 * @param truncatePrompt     a prompt longer than the context keeps its last tokens instead of
 *                           being refused
 */
public record TextOptions(Integer maxNewTokens, Integer minNewTokens, Boolean doSample, Double temperature,
                          Integer topK, Double topP, Double minP, Double repetitionPenalty,
                          Integer noRepeatNgramSize, Long seed, List<String> stop, boolean truncatePrompt) {

    private static final TextOptions DEFAULTS =
            new TextOptions(null, null, null, null, null, null, null, null, null, null, List.of(), false);

    /** Checks every field; the one place options are validated. */
    public TextOptions {
        require(maxNewTokens == null || maxNewTokens >= 1, "maxNewTokens must be at least 1, got " + maxNewTokens);
        require(minNewTokens == null || minNewTokens >= 0, "minNewTokens must be >= 0, got " + minNewTokens);
        require(maxNewTokens == null || minNewTokens == null || minNewTokens <= maxNewTokens,
                "minNewTokens (" + minNewTokens + ") must not exceed maxNewTokens (" + maxNewTokens + ")");
        require(temperature == null || (temperature >= 0 && Double.isFinite(temperature)),
                "temperature must be >= 0, got " + temperature);
        require(topK == null || topK >= 0, "topK must be >= 0, got " + topK);
        require(topP == null || (topP > 0 && topP <= 1), "topP must be in (0, 1], got " + topP);
        require(minP == null || (minP >= 0 && minP <= 1), "minP must be in [0, 1], got " + minP);
        require(repetitionPenalty == null || (repetitionPenalty > 0 && Double.isFinite(repetitionPenalty)),
                "repetitionPenalty must be > 0, got " + repetitionPenalty);
        require(noRepeatNgramSize == null || noRepeatNgramSize >= 0,
                "noRepeatNgramSize must be >= 0, got " + noRepeatNgramSize);
        stop = stop == null ? List.of() : List.copyOf(stop);
        require(stop.stream().noneMatch(String::isEmpty), "a stop string must not be empty");
    }

    /** The defaults: every field left to the model, no stop strings, long prompts refused. */
    public static TextOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** These options with {@code maxNewTokens} in place. */
    public TextOptions withMaxNewTokens(Integer v) {
        return toBuilder().maxNewTokens(v).build();
    }

    /** These options with {@code minNewTokens} in place. */
    public TextOptions withMinNewTokens(Integer v) {
        return toBuilder().minNewTokens(v).build();
    }

    /** These options with {@code doSample} in place. */
    public TextOptions withDoSample(Boolean v) {
        return toBuilder().doSample(v).build();
    }

    /** These options with {@code temperature} in place. */
    public TextOptions withTemperature(Double v) {
        return toBuilder().temperature(v).build();
    }

    /** These options with {@code topK} in place. */
    public TextOptions withTopK(Integer v) {
        return toBuilder().topK(v).build();
    }

    /** These options with {@code topP} in place. */
    public TextOptions withTopP(Double v) {
        return toBuilder().topP(v).build();
    }

    /** These options with {@code minP} in place. */
    public TextOptions withMinP(Double v) {
        return toBuilder().minP(v).build();
    }

    /** These options with {@code repetitionPenalty} in place. */
    public TextOptions withRepetitionPenalty(Double v) {
        return toBuilder().repetitionPenalty(v).build();
    }

    /** These options with {@code noRepeatNgramSize} in place. */
    public TextOptions withNoRepeatNgramSize(Integer v) {
        return toBuilder().noRepeatNgramSize(v).build();
    }

    /** These options with {@code seed} in place. */
    public TextOptions withSeed(Long v) {
        return toBuilder().seed(v).build();
    }

    /** These options with {@code stop} in place. */
    public TextOptions withStop(List<String> v) {
        return toBuilder().stop(v).build();
    }

    /** These options with {@code truncatePrompt} in place. */
    public TextOptions withTruncatePrompt(boolean v) {
        return toBuilder().truncatePrompt(v).build();
    }

    /**
     * Builds {@link TextOptions}, one field at a time; {@link #build()} checks them all (in the
     * record's constructor). Each setter is named after its field; null leaves it to the model.
     */
    public static final class Builder {
        private Integer maxNewTokens;
        private Integer minNewTokens;
        private Boolean doSample;
        private Double temperature;
        private Integer topK;
        private Double topP;
        private Double minP;
        private Double repetitionPenalty;
        private Integer noRepeatNgramSize;
        private Long seed;
        private List<String> stop;
        private boolean truncatePrompt;

        private Builder(TextOptions from) {
            maxNewTokens = from.maxNewTokens;
            minNewTokens = from.minNewTokens;
            doSample = from.doSample;
            temperature = from.temperature;
            topK = from.topK;
            topP = from.topP;
            minP = from.minP;
            repetitionPenalty = from.repetitionPenalty;
            noRepeatNgramSize = from.noRepeatNgramSize;
            seed = from.seed;
            stop = from.stop;
            truncatePrompt = from.truncatePrompt;
        }

        /** At most this many generated tokens; >= 1. */
        public Builder maxNewTokens(Integer v) {
            maxNewTokens = v;
            return this;
        }

        /** End-of-sequence is not allowed before this many tokens; >= 0. */
        public Builder minNewTokens(Integer v) {
            minNewTokens = v;
            return this;
        }

        /** Sample (true) or take the most likely token (false). */
        public Builder doSample(Boolean v) {
            doSample = v;
            return this;
        }

        /** Divides the logits before sampling; >= 0, 0 meaning greedy. */
        public Builder temperature(Double v) {
            temperature = v;
            return this;
        }

        /** Sample among the k most likely tokens; 0 = all. */
        public Builder topK(Integer v) {
            topK = v;
            return this;
        }

        /** Sample among the most likely tokens whose probabilities sum to p; (0, 1]. */
        public Builder topP(Double v) {
            topP = v;
            return this;
        }

        /** Drop tokens less likely than minP times the most likely one; [0, 1]. */
        public Builder minP(Double v) {
            minP = v;
            return this;
        }

        /** Above 1 makes tokens already present less likely; > 0. */
        public Builder repetitionPenalty(Double v) {
            repetitionPenalty = v;
            return this;
        }

        /** Never repeat an n-gram of this size; 0 = off. */
        public Builder noRepeatNgramSize(Integer v) {
            noRepeatNgramSize = v;
            return this;
        }

        /** Seed of the sampler; the same seed gives the same text. */
        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        /** Generation stops before the first of these strings (null: none). */
        public Builder stop(List<String> v) {
            stop = v;
            return this;
        }

        /** Generation stops before the first of these strings. */
        public Builder stop(String... v) {
            stop = List.of(v);
            return this;
        }

        /** A prompt longer than the context keeps its last tokens instead of being refused. */
        public Builder truncatePrompt(boolean v) {
            truncatePrompt = v;
            return this;
        }

        /**
         * The options.
         *
         * @throws GenloomException {@code INVALID_INPUT} naming the first field out of range
         */
        public TextOptions build() {
            return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, minP,
                    repetitionPenalty, noRepeatNgramSize, seed, stop, truncatePrompt);
        }
    }
}
