package dev.genloom.api;

import dev.genloom.api.media.Audio;

/** Text-to-audio: speech synthesis. */
public interface TextToAudio extends Model {

    Audio synthesize(String text, SpeechOptions options);

    default Audio synthesize(String text) {
        return synthesize(text, SpeechOptions.defaults());
    }
}
