package dev.genloom.plugins.tts;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.zoo.testkit.tts.PiperVoiceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The espeak-ng phonemizer against espeak-ng itself (run here with the text as an argument), the
 * ids of its output through the kit voice's map by Piper's rule, and the bounds: a missing program,
 * one that hangs and one that prints without end are refused in words.
 */
class EspeakPhonemizerTest {

    @Test
    void knownWordsGiveWhatEspeakPrints() throws Exception {
        Espeak.assume();
        EspeakPhonemizer e = new EspeakPhonemizer("en-us");
        for (String word : List.of("hello", "world", "speech", "synthesis", "Genloom")) {
            List<String> lines = Espeak.ipaLines("en-us", word);
            assertEquals(1, lines.size(), word + ": " + lines);
            assertEquals(lines.get(0), e.phonemes(word), word);
        }
        assertEquals("həlˈoʊ", e.phonemes("hello"), "espeak-ng's IPA for hello");
    }

    @Test
    void clausesKeepTheirPunctuationJoinedBySpaces() throws Exception {
        Espeak.assume();
        EspeakPhonemizer e = new EspeakPhonemizer("en-us");
        List<String> lines = Espeak.ipaLines("en-us", "Hello, world; how are you?");
        assertEquals(3, lines.size(), lines.toString());
        assertEquals(lines.get(0) + ", " + lines.get(1) + "; " + lines.get(2) + "?", e.phonemes("Hello, world; how are you?"));
        assertEquals("", e.phonemes("..."), "punctuation alone has no phonemes");
    }

    @Test
    void idsOfEspeaksOutputThroughTheKitMap() throws Exception {
        Espeak.assume();
        String phonemes = new EspeakPhonemizer("en-us").phonemes("Hello world.");
        List<String> lines = Espeak.ipaLines("en-us", "Hello world.");
        assertEquals(String.join(" ", lines) + ".", phonemes);
        Map<String, long[]> map = new LinkedHashMap<>();
        PiperVoiceModel.phonemeIdMap().forEach((k, v) -> map.put(k, v.stream().mapToLong(Integer::longValue).toArray()));
        List<String> symbols = PiperVoiceModel.SYMBOLS;
        List<Long> expected = new ArrayList<>(List.of((long) symbols.indexOf("^"), (long) symbols.indexOf("_")));
        Normalizer.normalize(phonemes, Normalizer.Form.NFD).codePoints().forEach(cp -> {
            int id = symbols.indexOf(new String(Character.toChars(cp)));
            assertTrue(id >= 0, "the kit map has " + new String(Character.toChars(cp)));
            expected.add((long) id);
            expected.add((long) symbols.indexOf("_"));
        });
        expected.add((long) symbols.indexOf("$"));
        PhonemeIds.Result r = new PhonemeIds(map).ids(phonemes);
        assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(), r.ids());
        assertTrue(r.missing().isEmpty());
    }

    @Test
    void aMissingProgramNamesThePackageToInstall() {
        EspeakPhonemizer e = new EspeakPhonemizer("/nonexistent/espeak-ng", "en-us", Duration.ofSeconds(5), 1000);
        GenloomException x = assertThrows(GenloomException.class, () -> e.phonemes("hello"));
        assertEquals(ErrorKind.UNSUPPORTED, x.kind());
        assertTrue(x.getMessage().contains("/nonexistent/espeak-ng"), x.getMessage());
        assertTrue(String.valueOf(x.hint()).contains("apt-get install espeak-ng"), x.hint());
    }

    static Path script(Path dir, String body) throws IOException {
        Path s = dir.resolve("fake-espeak");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    @Test
    void aProgramThatHangsIsStoppedAtTheTimeout(@TempDir Path dir) throws IOException {
        Path s = script(dir, "exec sleep 30");
        EspeakPhonemizer e = new EspeakPhonemizer(s.toString(), "en-us", Duration.ofMillis(300), 1000);
        long t0 = System.nanoTime();
        GenloomException x = assertThrows(GenloomException.class, () -> e.phonemes("hello"));
        assertEquals(ErrorKind.RUN_FAILED, x.kind());
        assertTrue(x.getMessage().contains("did not finish within"), x.getMessage());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "gave up in time");
    }

    @Test
    void aProgramThatPrintsTooMuchIsRefused(@TempDir Path dir) throws IOException {
        Path s = script(dir, "exec yes abcdefgh");
        EspeakPhonemizer e = new EspeakPhonemizer(s.toString(), "en-us", Duration.ofSeconds(20), 1000);
        GenloomException x = assertThrows(GenloomException.class, () -> e.phonemes("hello"));
        assertTrue(x.getMessage().contains("more than 1000 bytes"), x.getMessage());
    }

    @Test
    void aFailingProgramIsReportedWithItsMessage(@TempDir Path dir) throws IOException {
        Path s = script(dir, "echo 'Failed to read voice' >&2; exit 1");
        EspeakPhonemizer e = new EspeakPhonemizer(s.toString(), "xx", Duration.ofSeconds(20), 1000);
        GenloomException x = assertThrows(GenloomException.class, () -> e.phonemes("hello"));
        assertTrue(x.getMessage().contains("status 1") && x.getMessage().contains("Failed to read voice"), x.getMessage());
    }
}
