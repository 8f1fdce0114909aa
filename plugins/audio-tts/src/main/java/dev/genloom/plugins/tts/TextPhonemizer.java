package dev.genloom.plugins.tts;

import java.util.Locale;

/**
 * Piper's {@code phoneme_type: text}: the text itself, lower-cased as current Piper does it, is
 * the phoneme string (its code points after NFD, which {@link PhonemeIds} takes), white space
 * collapsed.
 */
final class TextPhonemizer implements Phonemizer {
    @Override
    public String phonemes(String sentence) {
        return sentence.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
