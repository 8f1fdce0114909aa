package dev.genloom.api;

import dev.genloom.api.media.Audio;

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
}
