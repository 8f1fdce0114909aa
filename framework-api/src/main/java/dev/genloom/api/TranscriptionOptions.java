package dev.genloom.api;

import static dev.genloom.api.GenloomException.require;

/**
 * Options of speech-to-text.
 *
 * @param language   the spoken language as an ISO code ({@code en}); null: the model's default,
 *                   or detected by a multilingual model
 * @param task       transcribe in the spoken language, or translate into English
 * @param timestamps produce timed segments
 * @param beams      beam width; 1 is greedy decoding
 * @param vad        skip silence using a voice-activity detector
 */
public record TranscriptionOptions(String language, Task task, boolean timestamps, int beams, boolean vad) {

    /** What to do with the speech. */
    public enum Task {
        /** Write down what is said, in the language it is said in. */
        TRANSCRIBE,
        /** Write down what is said, translated into English. */
        TRANSLATE
    }

    private static final TranscriptionOptions DEFAULTS = new TranscriptionOptions(null, Task.TRANSCRIBE, false, 1, false);

    /** Checks every field; the one place options are validated. */
    public TranscriptionOptions {
        task = task == null ? Task.TRANSCRIBE : task;
        require(beams >= 1, "beams must be at least 1, got " + beams);
        require(language == null || !language.isBlank(), "language must not be blank");
    }

    /** The defaults: the model's language, transcribe, no timestamps, greedy, no voice-activity detection. */
    public static TranscriptionOptions defaults() {
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

    /** These options with {@code language} in place. */
    public TranscriptionOptions withLanguage(String v) {
        return toBuilder().language(v).build();
    }

    /** These options with {@code task} in place. */
    public TranscriptionOptions withTask(Task v) {
        return toBuilder().task(v).build();
    }

    /** These options with {@code timestamps} in place. */
    public TranscriptionOptions withTimestamps(boolean v) {
        return toBuilder().timestamps(v).build();
    }

    /** These options with {@code beams} in place. */
    public TranscriptionOptions withBeams(int v) {
        return toBuilder().beams(v).build();
    }

    /** These options with {@code vad} in place. */
    public TranscriptionOptions withVad(boolean v) {
        return toBuilder().vad(v).build();
    }

    /**
     * Builds {@link TranscriptionOptions}, one field at a time; {@link #build()} checks them all
     * (in the record's constructor). Each setter is named after its field.
     */
    public static final class Builder {
        private String language;
        private Task task;
        private boolean timestamps;
        private int beams;
        private boolean vad;

        private Builder(TranscriptionOptions from) {
            language = from.language;
            task = from.task;
            timestamps = from.timestamps;
            beams = from.beams;
            vad = from.vad;
        }

        /** The spoken language as an ISO code ({@code en}); null: the model's default, or detected. */
        public Builder language(String v) {
            language = v;
            return this;
        }

        /** Transcribe in the spoken language, or translate into English (null: transcribe). */
        public Builder task(Task v) {
            task = v;
            return this;
        }

        /** Produce timed segments. */
        public Builder timestamps(boolean v) {
            timestamps = v;
            return this;
        }

        /** Beam width, >= 1; 1 is greedy decoding. */
        public Builder beams(int v) {
            beams = v;
            return this;
        }

        /** Skip silence using a voice-activity detector. */
        public Builder vad(boolean v) {
            vad = v;
            return this;
        }

        /**
         * The options.
         *
         * @throws GenloomException {@code INVALID_INPUT} naming the first field out of range
         */
        public TranscriptionOptions build() {
            return new TranscriptionOptions(language, task, timestamps, beams, vad);
        }
    }
}
