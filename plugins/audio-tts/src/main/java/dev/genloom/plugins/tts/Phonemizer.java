package dev.genloom.plugins.tts;

/** Text to a phoneme string, one sentence at a time (what {@link PhonemeIds} maps). */
public interface Phonemizer {

    /** The phonemes of one sentence; empty where it has none. */
    String phonemes(String sentence);
}
