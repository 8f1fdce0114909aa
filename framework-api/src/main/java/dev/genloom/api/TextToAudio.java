package dev.genloom.api;

import dev.genloom.api.media.Audio;

/** Text-to-audio: speech synthesis, music. */
public interface TextToAudio extends Model {

    /** Speaks the text: the whole audio. */
    Audio synthesize(String text, SpeechOptions options);

    /**
     * Speaks the text piece by piece, telling the listener each piece as it is made, so that a
     * caller can play or write it while the rest is made and memory stays bounded by a piece. The
     * default makes the whole and hands it over as one piece; models that can stream (a sentence
     * at a time) override it.
     */
    default void synthesize(String text, SpeechOptions options, AudioListener listener) {
        listener.onAudio(synthesize(text, options));
    }

    /** Speaks the text with the default options. */
    default Audio synthesize(String text) {
        return synthesize(text, SpeechOptions.defaults());
    }
}
