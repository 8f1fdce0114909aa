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

    /** Checks every field; the one place options are validated. */
    public SpeechOptions {
        require(speaker == null || speaker >= 0, "speaker must be >= 0, got " + speaker);
        require(speed > 0 && speed <= 4, "speed must be in (0, 4], got " + speed);
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

        private Builder(SpeechOptions from) {
            speaker = from.speaker;
            speed = from.speed;
            seed = from.seed;
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

        /**
         * The options.
         *
         * @throws GenloomException {@code INVALID_INPUT} naming the first field out of range
         */
        public SpeechOptions build() {
            return new SpeechOptions(speaker, speed, seed);
        }
    }
}
