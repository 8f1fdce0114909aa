package dev.genloom.plugins.tts;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text to the ids of its sentences (phoneme_type text, so no espeak-ng): missing phonemes named, empty plans refused. */
class SentencePlanTest {
    static final PhonemeIds IDS = new PhonemeIds(PhonemeIdsTest.map());

    @Test
    void eachSentenceGetsItsOwnBosAndEosAndMissingPhonemesAreCounted() {
        SentencePlan p = SentencePlan.of("hol. Hol!", new TextPhonemizer(), IDS);
        assertEquals(2, p.sentences().size());
        // "hol." : h o l, "." missing
        assertArrayEquals(new long[] {1, 0, 20, 0, 27, 0, 24, 0, 2}, p.sentences().get(0));
        // "Hol!" : lower-cased, h o l, "!" missing
        assertArrayEquals(new long[] {1, 0, 20, 0, 27, 0, 24, 0, 2}, p.sentences().get(1));
        assertEquals(Map.of(".", 1, "!", 1), p.missing());
        assertTrue(SentencePlan.describe(Map.of("H", 1)).contains("\"H\" (U+0048) x1"));
    }

    @Test
    void textOfOnlyUnknownPhonemesIsRefusedNamingThem() {
        GenloomException e = assertThrows(GenloomException.class, () -> SentencePlan.of("xyz", new TextPhonemizer(), IDS));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("no phonemes") && e.getMessage().contains("\"x\" (U+0078) x1"), e.getMessage());
    }

    @Test
    void sentencesOfOnlySpacesAndPunctuationAreLeftOut() {
        Map<String, long[]> m = PhonemeIdsTest.map();
        m.put(".", new long[] {10});
        SentencePlan p = SentencePlan.of("hol. . .", new TextPhonemizer(), new PhonemeIds(m));
        assertEquals(1, p.sentences().size());
    }
}
