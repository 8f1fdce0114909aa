package dev.genloom.api;

import dev.genloom.api.media.Audio;

/** Text-to-audio: speech synthesis. */
public interface TextToAudio extends Model {

    /** Speaks the text. */
    Audio synthesize(String text, SpeechOptions options);

    /** Speaks the text with the default options. */
    default Audio synthesize(String text) {
        return synthesize(text, SpeechOptions.defaults());
    }
}
