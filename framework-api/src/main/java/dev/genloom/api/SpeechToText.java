package dev.genloom.api;

import dev.genloom.api.media.Audio;
import dev.genloom.api.media.AudioStream;

/** Speech-to-text: transcribes (or translates) speech. Any sample rate and channel count. */
public interface SpeechToText extends Model {

    /** Transcribes the audio, telling the listener of each segment as soon as it is final. */
    Transcript transcribe(Audio audio, TranscriptionOptions options, SegmentListener listener);

    /** Transcribes the audio with these options. */
    default Transcript transcribe(Audio audio, TranscriptionOptions options) {
        return transcribe(audio, options, SegmentListener.NONE);
    }

    /** Transcribes the audio with the default options. */
    default Transcript transcribe(Audio audio) {
        return transcribe(audio, TranscriptionOptions.defaults(), SegmentListener.NONE);
    }

    /**
     * Transcribes a stream of sound as it is read, so that memory stays bounded by the model's
     * window whatever the length (a model that cannot read a stream reads it whole first, as this
     * default does). The stream is read to its end, not closed.
     */
    default Transcript transcribe(AudioStream audio, TranscriptionOptions options, SegmentListener listener) {
        return transcribe(audio.readAll(), options, listener);
    }
}
