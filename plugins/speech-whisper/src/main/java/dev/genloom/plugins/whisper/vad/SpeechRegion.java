package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.GenloomException;
import java.util.Locale;

/**
 * A stretch of audio holding speech, in samples of the audio it was found in: from
 * {@code startSample} (inclusive) to {@code endSample} (exclusive).
 */
public record SpeechRegion(long startSample, long endSample) {

    public SpeechRegion {
        GenloomException.require(startSample >= 0 && endSample >= startSample,
                "a speech region needs 0 <= start <= end, not [" + startSample + ", " + endSample + ")");
    }

    /** Its length in samples. */
    public long length() {
        return endSample - startSample;
    }

    public double startSeconds(int sampleRate) {
        return startSample / (double) sampleRate;
    }

    public double endSeconds(int sampleRate) {
        return endSample / (double) sampleRate;
    }

    /** Whether the sample lies inside. */
    public boolean contains(long sample) {
        return sample >= startSample && sample < endSample;
    }

    /** "1.230-4.560 s" at the given rate. */
    public String toString(int sampleRate) {
        return String.format(Locale.ROOT, "%.3f-%.3f s", startSeconds(sampleRate), endSeconds(sampleRate));
    }
}
