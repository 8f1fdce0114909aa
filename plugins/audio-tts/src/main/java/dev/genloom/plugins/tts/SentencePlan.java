package dev.genloom.plugins.tts;

import dev.genloom.api.GenloomException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Text made into the phoneme ids of its sentences, before any model call: sentences by
 * {@link Sentences}, phonemes by the voice's {@link Phonemizer}, ids by {@link PhonemeIds}.
 * Sentences with no mapped phoneme are left out; text that leaves none is refused.
 *
 * @param sentences the ids of each spoken sentence, BOS to EOS
 * @param missing   phonemes missing from the map, with their counts
 */
record SentencePlan(List<long[]> sentences, Map<String, Integer> missing) {

    static SentencePlan of(String text, Phonemizer phonemizer, PhonemeIds ids) {
        GenloomException.require(text != null && !text.isBlank(), "text is empty: there is nothing to speak");
        List<long[]> out = new ArrayList<>();
        Map<String, Integer> missing = new LinkedHashMap<>();
        StringBuilder heard = new StringBuilder();
        for (String sentence : Sentences.split(text)) {
            String phonemes = phonemizer.phonemes(sentence);
            heard.append(heard.length() > 0 ? " " : "").append(phonemes);
            PhonemeIds.Result r = ids.ids(phonemes);
            r.missing().forEach((p, n) -> missing.merge(p, n, Integer::sum));
            if (ids.phonemeCount(phonemes) > 0 && hasSound(phonemes, ids)) {
                out.add(r.ids());
            }
        }
        if (out.isEmpty()) {
            throw GenloomException.invalidInput("the text gives no phonemes to speak: " + quote(text) + " became "
                    + quote(heard.toString()) + (missing.isEmpty() ? "" : "; missing from the voice's phoneme_id_map: "
                    + describe(missing)), "give text in the voice's language with words in it");
        }
        return new SentencePlan(List.copyOf(out), Map.copyOf(missing));
    }

    /** Whether a phoneme string has a mapped phoneme other than space and punctuation. */
    private static boolean hasSound(String phonemes, PhonemeIds ids) {
        String sounds = phonemes.replaceAll("[\\s.,;:!?'\"()\\-]", "");
        return ids.phonemeCount(sounds) > 0;
    }

    /** {@code "ʘ" x2, "ǃ" x1}: what a warning or message names. */
    static String describe(Map<String, Integer> missing) {
        return missing.entrySet().stream()
                .map(e -> quote(e.getKey()) + " (U+" + String.format("%04X", e.getKey().codePointAt(0)) + ") x" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String quote(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "\"" + cut + "\"";
    }
}
