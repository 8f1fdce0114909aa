package dev.genloom.api;

import dev.genloom.api.media.Audio;

/** Speech-to-text: transcribes (or translates) speech. Any sample rate and channel count. */
public interface SpeechToText extends Model {

    /** Transcribes the audio, telling the listener of each segment as soon as it is final. */
    Transcript transcribe(Audio audio, TranscriptionOptions options, SegmentListener listener);

    default Transcript transcribe(Audio audio, TranscriptionOptions options) {
        return transcribe(audio, options, SegmentListener.NONE);
    }

    default Transcript transcribe(Audio audio) {
        return transcribe(audio, TranscriptionOptions.defaults(), SegmentListener.NONE);
    }
}
