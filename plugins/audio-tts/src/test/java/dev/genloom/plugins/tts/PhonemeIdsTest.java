package dev.genloom.plugins.tts;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Piper's rule, written out: {@code ^ _ (ids(p) _)* $} over the NFD code points, a phoneme
 * missing from the map adding nothing and being counted.
 */
class PhonemeIdsTest {
    static final long PAD = 0;
    static final long BOS = 1;
    static final long EOS = 2;

    static Map<String, long[]> map() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("_", new long[] {PAD});
        m.put("^", new long[] {BOS});
        m.put("$", new long[] {EOS});
        m.put(" ", new long[] {3});
        m.put("h", new long[] {20});
        m.put("ə", new long[] {59});
        m.put("l", new long[] {24});
        m.put("ˈ", new long[] {120});
        m.put("o", new long[] {27});
        m.put("ʊ", new long[] {100, 101});   // a phoneme of two ids
        m.put("c", new long[] {16});
        m.put("\u0327", new long[] {140});   // combining cedilla
        return m;
    }

    @Test
    void bosPadThenEachPhonemeAndPadThenEos() {
        PhonemeIds ids = new PhonemeIds(map());
        // h ə l ˈ o ʊ
        assertArrayEquals(new long[] {BOS, PAD, 20, PAD, 59, PAD, 24, PAD, 120, PAD, 27, PAD, 100, 101, PAD, EOS},
                ids.ids("həlˈoʊ").ids());
        assertArrayEquals(new long[] {BOS, PAD, 20, PAD, 3, PAD, 20, PAD, EOS}, ids.ids("h h").ids());
        assertArrayEquals(new long[] {BOS, PAD, EOS}, ids.ids("").ids());
    }

    @Test
    void composedLettersAreSplitAsNfdCodePoints() {
        PhonemeIds ids = new PhonemeIds(map());
        assertArrayEquals(new long[] {BOS, PAD, 16, PAD, 140, PAD, EOS}, ids.ids("\u00e7").ids());
        assertEquals(List.of("c", "\u0327"), PhonemeIds.phonemes("\u00e7"));
    }

    @Test
    void missingPhonemesAreDroppedWithoutTheirPadAndCounted() {
        PhonemeIds ids = new PhonemeIds(map());
        PhonemeIds.Result r = ids.ids("hʘəʘx");
        assertArrayEquals(new long[] {BOS, PAD, 20, PAD, 59, PAD, EOS}, r.ids());
        assertEquals(Map.of("ʘ", 2, "x", 1), r.missing());
        assertEquals(List.of("ʘ", "x"), List.copyOf(r.missing().keySet()), "first-seen order");
        assertEquals(2, ids.phonemeCount("hʘəʘx"));
    }

    @Test
    void aMapWithoutPadBosOrEosIsRefused() {
        Map<String, long[]> m = map();
        m.remove("$");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PhonemeIds(m));
        assertTrue(e.getMessage().contains("\"$\""), e.getMessage());
    }
}
