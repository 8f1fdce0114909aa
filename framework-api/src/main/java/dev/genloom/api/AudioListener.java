package dev.genloom.api;

import dev.genloom.api.media.Audio;

/**
 * Told each piece of audio as a text-to-audio model makes it (a sentence with the pause before
 * it, a span of music), in order; the pieces end to end are the whole.
 */
@FunctionalInterface
public interface AudioListener {
    /** A listener that ignores the pieces. */
    AudioListener NONE = piece -> { };

    /** The next piece. */
    void onAudio(Audio piece);
}
