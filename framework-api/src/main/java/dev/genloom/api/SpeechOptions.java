package dev.genloom.api;

import static dev.genloom.api.GenloomException.require;

/**
 * Options of text-to-audio.
 *
 * @param speaker speaker id for multi-speaker models (null: the model's default)
 * @param speed   speaking rate; 1 is the model's own, 2 twice as fast; (0, 4]
 * @param seed    seed of any sampling inside the model (null: the model's default)
 * @param noiseScale the variation of a VITS-family voice's sound, >= 0 (null: the model's; Piper's
 *                   {@code noise_scale})
 * @param noiseW     the variation of its phoneme durations, >= 0 (null: the model's; Piper's {@code noise_w})
 * @param seconds    how long a piece of generated music should be, > 0 (null: the model's default;
 *                   speech ignores it)
 */
public record SpeechOptions(Integer speaker, double speed, Long seed, Double noiseScale, Double noiseW, Double seconds) {

    private static final SpeechOptions DEFAULTS = new SpeechOptions(null, 1.0, null, null, null, null);

    /** Checks every field; the one place options are validated. */
    public SpeechOptions {
        require(speaker == null || speaker >= 0, "speaker must be >= 0, got " + speaker);
        require(speed > 0 && speed <= 4, "speed must be in (0, 4], got " + speed);
        require(noiseScale == null || (noiseScale >= 0 && Double.isFinite(noiseScale)),
                "noiseScale must be >= 0, got " + noiseScale);
        require(noiseW == null || (noiseW >= 0 && Double.isFinite(noiseW)), "noiseW must be >= 0, got " + noiseW);
        require(seconds == null || (seconds > 0 && Double.isFinite(seconds)), "seconds must be > 0, got " + seconds);
    }

    /** The defaults: the model's speaker, its own speed, its own seed. */
    public static SpeechOptions defaults() {
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

    /**
     * Builds {@link SpeechOptions}, one field at a time; {@link #build()} checks them all (in the
     * record's constructor). Each setter is named after its field; null leaves it to the model.
     */
    public static final class Builder {
        private Integer speaker;
        private double speed;
        private Long seed;
        private Double noiseScale;
        private Double noiseW;
        private Double seconds;

        private Builder(SpeechOptions from) {
            speaker = from.speaker;
            speed = from.speed;
            seed = from.seed;
            noiseScale = from.noiseScale;
            noiseW = from.noiseW;
            seconds = from.seconds;
        }

        /** Speaker id for multi-speaker models, >= 0. */
        public Builder speaker(Integer v) {
            speaker = v;
            return this;
        }

        /** Speaking rate; 1 is the model's own, 2 twice as fast; (0, 4]. */
        public Builder speed(double v) {
            speed = v;
            return this;
        }

        /** Seed of any sampling inside the model. */
        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        /** The variation of a VITS-family voice's sound, >= 0. */
        public Builder noiseScale(Double v) {
            noiseScale = v;
            return this;
        }

        /** The variation of its phoneme durations, >= 0. */
        public Builder noiseW(Double v) {
            noiseW = v;
            return this;
        }

        /** How long a piece of generated music should be, > 0. */
        public Builder seconds(Double v) {
            seconds = v;
            return this;
        }

        /**
         * The options.
         *
         * @throws GenloomException {@code INVALID_INPUT} naming the first field out of range
         */
        public SpeechOptions build() {
            return new SpeechOptions(speaker, speed, seed, noiseScale, noiseW, seconds);
        }
    }
}
