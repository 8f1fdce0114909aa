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
    public enum Task { TRANSCRIBE, TRANSLATE }

    private static final TranscriptionOptions DEFAULTS = new TranscriptionOptions(null, Task.TRANSCRIBE, false, 1, false);

    public TranscriptionOptions {
        task = task == null ? Task.TRANSCRIBE : task;
        require(beams >= 1, "beams must be at least 1, got " + beams);
        require(language == null || !language.isBlank(), "language must not be blank");
    }

    public static TranscriptionOptions defaults() {
        return DEFAULTS;
    }

    public TranscriptionOptions withLanguage(String v) {
        return new TranscriptionOptions(v, task, timestamps, beams, vad);
    }

    public TranscriptionOptions withTask(Task v) {
        return new TranscriptionOptions(language, v, timestamps, beams, vad);
    }

    public TranscriptionOptions withTimestamps(boolean v) {
        return new TranscriptionOptions(language, task, v, beams, vad);
    }

    public TranscriptionOptions withBeams(int v) {
        return new TranscriptionOptions(language, task, timestamps, v, vad);
    }

    public TranscriptionOptions withVad(boolean v) {
        return new TranscriptionOptions(language, task, timestamps, beams, v);
    }
}
