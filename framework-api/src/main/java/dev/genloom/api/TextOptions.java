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

    public static TextOptions defaults() {
        return DEFAULTS;
    }

    public TextOptions withMaxNewTokens(Integer v) {
        return new TextOptions(v, minNewTokens, doSample, temperature, topK, topP, minP, repetitionPenalty,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withMinNewTokens(Integer v) {
        return new TextOptions(maxNewTokens, v, doSample, temperature, topK, topP, minP, repetitionPenalty,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withDoSample(Boolean v) {
        return new TextOptions(maxNewTokens, minNewTokens, v, temperature, topK, topP, minP, repetitionPenalty,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withTemperature(Double v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, v, topK, topP, minP, repetitionPenalty,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withTopK(Integer v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, v, topP, minP, repetitionPenalty,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withTopP(Double v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, v, minP, repetitionPenalty,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withMinP(Double v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, v, repetitionPenalty,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withRepetitionPenalty(Double v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, minP, v,
                noRepeatNgramSize, seed, stop, truncatePrompt);
    }

    public TextOptions withNoRepeatNgramSize(Integer v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, minP,
                repetitionPenalty, v, seed, stop, truncatePrompt);
    }

    public TextOptions withSeed(Long v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, minP,
                repetitionPenalty, noRepeatNgramSize, v, stop, truncatePrompt);
    }

    public TextOptions withStop(List<String> v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, minP,
                repetitionPenalty, noRepeatNgramSize, seed, v, truncatePrompt);
    }

    public TextOptions withTruncatePrompt(boolean v) {
        return new TextOptions(maxNewTokens, minNewTokens, doSample, temperature, topK, topP, minP,
                repetitionPenalty, noRepeatNgramSize, seed, stop, v);
    }
}
