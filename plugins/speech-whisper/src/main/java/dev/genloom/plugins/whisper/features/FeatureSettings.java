package dev.genloom.plugins.whisper.features;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.GenloomException;

/**
 * The settings of Whisper's log-mel features, as {@code preprocessor_config.json} of a Hugging
 * Face export states them. Every value is checked when the record is made.
 *
 * @param samplingRate     samples per second of the audio the features expect ({@code sampling_rate})
 * @param nFft             samples per STFT frame and FFT size ({@code n_fft}); even
 * @param hopLength        samples between frames ({@code hop_length})
 * @param melBins          mel filters, the rows of the features ({@code feature_size}): 80 or 128
 * @param samplesPerWindow samples in one window, the audio is padded or trimmed to it
 *                         ({@code n_samples} = {@code chunk_length} × {@code sampling_rate})
 */
public record FeatureSettings(int samplingRate, int nFft, int hopLength, int melBins, int samplesPerWindow) {

    /** Whisper's sampling rate. */
    public static final int WHISPER_SAMPLING_RATE = 16_000;
    /** Whisper's FFT size: 25 ms at 16 kHz. */
    public static final int WHISPER_N_FFT = 400;
    /** Whisper's hop: 10 ms at 16 kHz. */
    public static final int WHISPER_HOP_LENGTH = 160;
    /** Whisper's window: 30 s. */
    public static final int WHISPER_CHUNK_SECONDS = 30;
    /** Mel bins of every Whisper model but large-v3, which has 128. */
    public static final int WHISPER_MEL_BINS = 80;

    /** Largest FFT size accepted: far above any speech model, small enough to rule out typos. */
    static final int MAX_N_FFT = 1 << 16;

    public FeatureSettings {
        GenloomException.require(samplingRate > 0,
                "sampling_rate must be positive, got " + samplingRate);
        GenloomException.require(nFft >= 4 && nFft <= MAX_N_FFT && nFft % 2 == 0,
                "n_fft must be an even number from 4 to " + MAX_N_FFT + ", got " + nFft);
        GenloomException.require(hopLength > 0,
                "hop_length must be positive, got " + hopLength);
        int bins = nFft / 2 + 1;
        GenloomException.require(melBins > 0 && melBins <= bins,
                "feature_size (mel bins) must be from 1 to n_fft / 2 + 1 = " + bins + ", got " + melBins);
        GenloomException.require(samplesPerWindow > nFft / 2,
                "n_samples must be more than n_fft / 2 = " + nFft / 2 + " (the reflect padding of the STFT), got "
                        + samplesPerWindow);
        GenloomException.require(samplesPerWindow >= hopLength,
                "n_samples (" + samplesPerWindow + ") must be at least hop_length (" + hopLength
                        + ") for one frame");
        GenloomException.require((long) melBins * (samplesPerWindow / hopLength) <= Integer.MAX_VALUE - 16,
                "feature_size × n_samples / hop_length is too large for one array: " + melBins + " × "
                        + samplesPerWindow / hopLength);
    }

    /** Whisper's settings (16 kHz, n_fft 400, hop 160, 30 s) with the given number of mel bins. */
    public static FeatureSettings whisper(int melBins) {
        return new FeatureSettings(WHISPER_SAMPLING_RATE, WHISPER_N_FFT, WHISPER_HOP_LENGTH, melBins,
                WHISPER_CHUNK_SECONDS * WHISPER_SAMPLING_RATE);
    }

    /** Frames of one window: {@code n_samples / hop_length} (3000 for Whisper). */
    public int frames() {
        return samplesPerWindow / hopLength;
    }

    /** Frequency bins of the one-sided spectrum: {@code n_fft / 2 + 1} (201 for Whisper). */
    public int frequencyBins() {
        return nFft / 2 + 1;
    }

    /**
     * Reads the settings from a parsed {@code preprocessor_config.json}; keys that are absent take
     * Whisper's values. Rejects values that are not whole numbers, that contradict each other
     * ({@code n_samples} vs {@code chunk_length} × {@code sampling_rate}, {@code nb_max_frames} vs
     * {@code n_samples / hop_length}), or that ask for a processing these features do not do
     * (a non-zero {@code padding_value}, left padding, {@code do_normalize}).
     *
     * @param config the parsed JSON object
     * @param source where it came from, for error messages (e.g. the file's path)
     */
    public static FeatureSettings fromPreprocessorConfig(JsonNode config, String source) {
        if (config == null || !config.isObject()) {
            throw GenloomException.invalidInput(source + ": the preprocessor config must be a JSON object");
        }
        int samplingRate = intValue(config, "sampling_rate", WHISPER_SAMPLING_RATE, source);
        int nFft = intValue(config, "n_fft", WHISPER_N_FFT, source);
        int hop = intValue(config, "hop_length", WHISPER_HOP_LENGTH, source);
        int mels = intValue(config, "feature_size", WHISPER_MEL_BINS, source);
        requireSetting(samplingRate > 0, source, "sampling_rate must be positive, got " + samplingRate);

        int samples;
        boolean hasChunk = present(config, "chunk_length");
        int chunk = intValue(config, "chunk_length", WHISPER_CHUNK_SECONDS, source);
        requireSetting(chunk > 0, source, "chunk_length must be positive, got " + chunk);
        long chunkSamples = (long) chunk * samplingRate;
        if (present(config, "n_samples")) {
            samples = intValue(config, "n_samples", 0, source);
            requireSetting(!hasChunk || samples == chunkSamples, source,
                    "n_samples (" + samples + ") is not chunk_length × sampling_rate (" + chunk + " × "
                            + samplingRate + " = " + chunkSamples + ")");
        } else {
            requireSetting(chunkSamples <= Integer.MAX_VALUE, source,
                    "chunk_length × sampling_rate is too large: " + chunkSamples);
            samples = (int) chunkSamples;
        }
        if (present(config, "nb_max_frames") && hop > 0) {
            int maxFrames = intValue(config, "nb_max_frames", 0, source);
            requireSetting(maxFrames == samples / hop, source,
                    "nb_max_frames (" + maxFrames + ") is not n_samples / hop_length (" + samples + " / " + hop
                            + " = " + samples / hop + ")");
        }
        JsonNode paddingValue = config.get("padding_value");
        if (paddingValue != null && !paddingValue.isNull()
                && !(paddingValue.isNumber() && paddingValue.doubleValue() == 0.0)) {
            throw GenloomException.unsupported(source + ": padding_value " + paddingValue
                    + " is not supported", "Whisper pads with zeros; set \"padding_value\": 0.0");
        }
        JsonNode paddingSide = config.get("padding_side");
        if (paddingSide != null && !paddingSide.isNull() && !"right".equals(paddingSide.asText())) {
            throw GenloomException.unsupported(source + ": padding_side " + paddingSide
                    + " is not supported", "Whisper pads at the end; set \"padding_side\": \"right\"");
        }
        JsonNode normalize = config.get("do_normalize");
        if (normalize != null && normalize.asBoolean(false)) {
            throw GenloomException.unsupported(source + ": do_normalize true is not supported",
                    "Whisper's features are computed from the raw samples; remove \"do_normalize\"");
        }
        try {
            return new FeatureSettings(samplingRate, nFft, hop, mels, samples);
        } catch (GenloomException e) {
            throw GenloomException.invalidInput(source + ": " + e.getMessage());
        }
    }

    private static boolean present(JsonNode config, String key) {
        JsonNode node = config.get(key);
        return node != null && !node.isNull();
    }

    private static int intValue(JsonNode config, String key, int fallback, String source) {
        JsonNode node = config.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isNumber()) {
            double value = node.doubleValue();
            if (node.isIntegralNumber() ? node.canConvertToInt()
                    : value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
                return node.isIntegralNumber() ? node.intValue() : (int) value;
            }
        }
        throw GenloomException.invalidInput(source + ": \"" + key + "\" must be a whole number, got " + node);
    }

    private static void requireSetting(boolean condition, String source, String message) {
        if (!condition) {
            throw GenloomException.invalidInput(source + ": " + message);
        }
    }
}
