package dev.genloom.api;

import static dev.genloom.api.GenloomException.require;

/**
 * Options of text-to-audio.
 *
 * @param speaker speaker id for multi-speaker models (null: the model's default)
 * @param speed   speaking rate; 1 is the model's own, 2 twice as fast; (0, 4]
 * @param seed    seed of any sampling inside the model (null: the model's default)
 */
public record SpeechOptions(Integer speaker, double speed, Long seed) {

    private static final SpeechOptions DEFAULTS = new SpeechOptions(null, 1.0, null);

    public SpeechOptions {
        require(speaker == null || speaker >= 0, "speaker must be >= 0, got " + speaker);
        require(speed > 0 && speed <= 4, "speed must be in (0, 4], got " + speed);
    }

    public static SpeechOptions defaults() {
        return DEFAULTS;
    }

    public SpeechOptions withSpeaker(Integer v) {
        return new SpeechOptions(v, speed, seed);
    }

    public SpeechOptions withSpeed(double v) {
        return new SpeechOptions(speaker, v, seed);
    }

    public SpeechOptions withSeed(Long v) {
        return new SpeechOptions(speaker, speed, v);
    }
}
