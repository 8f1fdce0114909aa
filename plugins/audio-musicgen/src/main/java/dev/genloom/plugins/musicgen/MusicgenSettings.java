package dev.genloom.plugins.musicgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a MusicGen folder's {@code config.json} and {@code generation_config.json} say, with
 * transformers' defaults where a key is absent: the decoder's codebooks, pad/BOS id, layers,
 * heads and positions; EnCodec's sampling rate and frame rate
 * ({@code ceil(sampling_rate / prod(upsampling_ratios))}, 50 for MusicGen's 32 kHz EnCodec);
 * the sampling settings ({@code do_sample} false, {@code top_k} 50, {@code temperature} 1,
 * {@code guidance_scale} none, by default).
 */
public record MusicgenSettings(int numCodebooks, int audioChannels, long padTokenId, int layers, int heads, int headDim,
                               int maxPositions, int samplingRate, int frameRate, int maxLength,
                               boolean doSample, int topK, double temperature, double guidanceScale) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the two files of {@code folder}. */
    public static MusicgenSettings read(Path folder) {
        Path configFile = folder.resolve("config.json");
        JsonNode config = readJson(configFile);
        Path genFile = folder.resolve("generation_config.json");
        JsonNode gen = Files.isRegularFile(genFile) ? readJson(genFile) : JSON.createObjectNode();
        JsonNode decoder = section(config, "decoder", configFile);
        JsonNode audio = section(config, "audio_encoder", configFile);
        int heads = intKey(decoder, "num_attention_heads", configFile);
        int hidden = intKey(decoder, "hidden_size", configFile);
        if (hidden % heads != 0) {
            throw incompatible(configFile + ": decoder.hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        int samplingRate = intKey(audio, "sampling_rate", configFile);
        JsonNode ratios = audio.get("upsampling_ratios");
        if (ratios == null || !ratios.isArray() || ratios.isEmpty()) {
            throw incompatible(configFile + " has no audio_encoder.upsampling_ratios (EnCodec's hop)");
        }
        int hop = 1;
        for (JsonNode r : ratios) {
            hop *= r.asInt();
        }
        long pad = decoder.has("pad_token_id") ? decoder.get("pad_token_id").asLong()
                : gen.path("pad_token_id").asLong(intKey(decoder, "vocab_size", configFile));
        return new MusicgenSettings(intKey(decoder, "num_codebooks", configFile), decoder.path("audio_channels").asInt(1),
                pad, intKey(decoder, "num_hidden_layers", configFile), heads, hidden / heads,
                intKey(decoder, "max_position_embeddings", configFile), samplingRate, (samplingRate + hop - 1) / hop,
                gen.path("max_length").asInt(20), gen.path("do_sample").asBoolean(false), gen.path("top_k").asInt(50),
                gen.path("temperature").asDouble(1.0), gen.path("guidance_scale").asDouble(1.0));
    }

    /** The delay pattern of these codebooks. */
    public DelayPattern pattern() {
        return new DelayPattern(numCodebooks, audioChannels, padTokenId);
    }

    /** The most frames the decoder's positions allow: {@code max_position_embeddings - Kc}. */
    public int maxFrames() {
        return maxPositions - numCodebooks / audioChannels;
    }

    /**
     * Frames for {@code seconds} of audio, {@code ceil(seconds * frame_rate)}.
     *
     * @throws GenloomException for a non-positive duration or one beyond {@link #maxFrames()}
     */
    public int framesFor(double seconds) {
        GenloomException.require(seconds > 0 && Double.isFinite(seconds), "--seconds must be positive, got " + seconds);
        double frames = Math.ceil(seconds * frameRate - 1e-9);
        if (frames > maxFrames()) {
            throw GenloomException.invalidInput(seconds + " s of audio need " + (long) frames + " frames at " + frameRate
                            + " frames a second; this model holds at most " + maxFrames() + " (max_position_embeddings "
                            + maxPositions + " less the codebook delays), " + maxFrames() / (double) frameRate + " s",
                    "ask for at most " + maxFrames() / (double) frameRate + " seconds");
        }
        return Math.max((int) frames, pattern().minimumLength() - numCodebooks / audioChannels);
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw incompatible("a MusicGen folder needs " + file + "; it is missing");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw incompatible(file + " is not valid JSON: " + e.getMessage());
        }
    }

    private static JsonNode section(JsonNode config, String name, Path file) {
        JsonNode s = config.get(name);
        if (s == null || !s.isObject()) {
            throw incompatible(file + " has no \"" + name + "\" section; is it a MusicGen (model_type musicgen) config?");
        }
        return s;
    }

    private static int intKey(JsonNode section, String key, Path file) {
        JsonNode v = section.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw incompatible(file + " lacks the integer " + key);
        }
        return v.asInt();
    }

    private static GenloomException incompatible(String message) {
        return new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, message);
    }
}
