package dev.genloom.api.task;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.media.Image;
import dev.genloom.api.SpeechOptions;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TranscriptionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionBinderTest {

    static TextOptions text(Map<String, ?> values) {
        return OptionBinder.bind(TextOptions.class, TextOptions.defaults(), values);
    }

    static String fails(Map<String, ?> values) {
        GenloomException e = assertThrows(GenloomException.class, () -> text(values));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        return e.getMessage();
    }

    @Test
    void anImageOptionIsReadFromTheFileItNames(@TempDir Path dir) {
        Image mask = new Image(2, 1, new byte[] {(byte) 255, (byte) 255, (byte) 255, 0, 0, 0});
        Path file = dir.resolve("mask.png");
        mask.writePng(file);
        ImageToImageOptions o = OptionBinder.bind(ImageToImageOptions.class, ImageToImageOptions.defaults(),
                Map.of("mask", file.toString(), "strength", "0.5"));
        assertEquals(mask, o.mask());
        assertEquals(0.5, o.strength());
        GenloomException missing = assertThrows(GenloomException.class, () -> OptionBinder.bind(ImageToImageOptions.class,
                ImageToImageOptions.defaults(), Map.of("mask", dir.resolve("none.png").toString())));
        assertEquals(ErrorKind.INVALID_INPUT, missing.kind());
        assertTrue(missing.getMessage().contains("none.png"), missing.getMessage());
    }

    @Test
    void namesAreRecordComponentsInOrder() {
        assertEquals(List.of("speaker", "speed", "seed", "noiseScale", "noiseW", "seconds"), OptionBinder.names(SpeechOptions.class));
        assertEquals("maxNewTokens", OptionBinder.names(TextOptions.class).get(0));
    }

    @Test
    void acceptsCamelKebabAndSnakeCase() {
        for (String name : List.of("maxNewTokens", "max-new-tokens", "max_new_tokens", "MAX_NEW_TOKENS")) {
            assertEquals(Optional.of("maxNewTokens"), OptionBinder.canonicalName(TextOptions.class, name), name);
            assertEquals(42, text(Map.of(name, 42)).maxNewTokens(), name);
        }
        assertEquals(0.9, text(Map.of("top-p", "0.9")).topP());
        assertEquals(Optional.empty(), OptionBinder.canonicalName(TextOptions.class, "maxTokens"));
    }

    @Test
    void convertsStringsAndYamlScalars() {
        TextOptions o = text(Map.of(
                "max-new-tokens", "64",
                "temperature", "0.7",
                "top_k", 50L,
                "doSample", "yes",
                "seed", "12345678901",
                "stop", "\n\n",
                "truncatePrompt", "on"));
        assertEquals(64, o.maxNewTokens());
        assertEquals(0.7, o.temperature());
        assertEquals(50, o.topK());
        assertEquals(Boolean.TRUE, o.doSample());
        assertEquals(12345678901L, o.seed());
        assertEquals(List.of("\n\n"), o.stop());
        assertTrue(o.truncatePrompt());
        // Untouched options keep their defaults.
        assertNull(o.topP());

        assertEquals(List.of("a", "b", "3"), text(Map.of("stop", List.of("a", "b", 3))).stop());
        assertEquals(Boolean.FALSE, text(Map.of("do_sample", false)).doSample());
        assertEquals(Boolean.FALSE, text(Map.of("do_sample", "Off")).doSample());
        assertEquals(3, text(Map.of("topK", 3.0)).topK()); // a YAML float that is whole
        assertEquals(0.5, text(Map.of("topP", new BigDecimal("0.5"))).topP());
        assertEquals(2.0, text(Map.of("temperature", 2)).temperature());

        SpeechOptions s = OptionBinder.bind(SpeechOptions.class, SpeechOptions.defaults(), Map.of("speed", "1.5"));
        assertEquals(1.5, s.speed());
    }

    @Test
    void convertsEnumsByNameInAnySpelling() {
        for (Object v : List.of("translate", "TRANSLATE", "Translate", TranscriptionOptions.Task.TRANSLATE)) {
            TranscriptionOptions o = OptionBinder.bind(TranscriptionOptions.class, TranscriptionOptions.defaults(),
                    Map.of("task", v));
            assertEquals(TranscriptionOptions.Task.TRANSLATE, o.task(), String.valueOf(v));
        }
        GenloomException e = assertThrows(GenloomException.class, () -> OptionBinder.bind(TranscriptionOptions.class,
                TranscriptionOptions.defaults(), Map.of("task", "summarise")));
        assertTrue(e.getMessage().contains("must be one of transcribe, translate"), e.getMessage());
        assertTrue(e.getMessage().contains("'summarise'"), e.getMessage());
    }

    @Test
    void wrongValuesSayWhatWasExpected() {
        assertTrue(fails(Map.of("maxNewTokens", "many")).contains("maxNewTokens must be a whole number, got 'many'"));
        assertTrue(fails(Map.of("maxNewTokens", 2.5)).contains("must be a whole number"));
        assertTrue(fails(Map.of("maxNewTokens", 1L << 40)).contains("out of range"));
        assertTrue(fails(Map.of("temperature", "hot")).contains("temperature must be a number, got 'hot'"));
        assertTrue(fails(Map.of("doSample", "maybe")).contains("doSample must be true or false"));
        assertTrue(fails(Map.of("seed", List.of(1, 2))).contains("seed must be a single value"));
        Map<String, Object> nullPrimitive = new LinkedHashMap<>();
        nullPrimitive.put("truncatePrompt", null);
        assertTrue(fails(nullPrimitive).contains("truncatePrompt needs a value"));
        Map<String, Object> nullBoxed = new LinkedHashMap<>();
        nullBoxed.put("topK", null);
        assertNull(text(nullBoxed).topK());
    }

    @Test
    void unknownOptionSuggestsAndListsOptions() {
        String m = fails(Map.of("max_new_tokenz", 5));
        assertTrue(m.contains("unknown option 'max_new_tokenz'"), m);
        assertTrue(m.contains("did you mean 'maxNewTokens'?"), m);
        assertTrue(m.contains("options are maxNewTokens, minNewTokens, doSample"), m);
        assertTrue(m.contains("truncatePrompt"), m);

        assertTrue(fails(Map.of("temprature", 1)).contains("did you mean 'temperature'?"));
        assertTrue(fails(Map.of("top-kk", 1)).contains("did you mean 'topK'?"));
        String far = fails(Map.of("colour", "red"));
        assertFalse(far.contains("did you mean"), far);
        assertTrue(far.contains("options are"), far);
    }

    @Test
    void recordConstraintsGiveTheRecordsMessage() {
        assertEquals("topP must be in (0, 1], got 1.5", fails(Map.of("topP", 1.5)));
        assertEquals("minNewTokens (10) must not exceed maxNewTokens (5)",
                fails(Map.of("maxNewTokens", 5, "minNewTokens", 10)));
        GenloomException e = assertThrows(GenloomException.class, () -> OptionBinder.bind(ImageToTextOptions.class,
                ImageToTextOptions.defaults(), Map.of("label-template", "a photo")));
        assertTrue(e.getMessage().contains("labelTemplate must contain {}"), e.getMessage());
    }

    @Test
    void theSameOptionTwiceIsRefused() {
        Map<String, Object> twice = new LinkedHashMap<>();
        twice.put("max-new-tokens", 5);
        twice.put("maxNewTokens", 6);
        String m = fails(twice);
        assertTrue(m.contains("maxNewTokens is given twice") && m.contains("'max-new-tokens'"), m);
    }

    @Test
    void checkReturnsNullForFineOptionsAndTheProblemOtherwise() {
        assertNull(OptionBinder.check(TextOptions.class, "top-p", "0.9"));
        assertNull(OptionBinder.check(TextOptions.class, "stop", List.of("x")));
        assertNull(OptionBinder.check(TranscriptionOptions.class, "task", "translate"));
        assertTrue(OptionBinder.check(TextOptions.class, "top-pp", 1).contains("did you mean 'topP'?"));
        assertTrue(OptionBinder.check(TextOptions.class, "topK", "x").contains("whole number"));
        // The name-and-type check alone does not know the record's constraints...
        assertNull(OptionBinder.check(TextOptions.class, "topP", 1.5));
        // ...the check with defaults does.
        assertEquals("topP must be in (0, 1], got 1.5",
                OptionBinder.check(TextOptions.class, TextOptions.defaults(), "topP", 1.5));
        assertNull(OptionBinder.check(TextOptions.class, TextOptions.defaults(), "topP", 1.0));
        assertEquals("topP must be in (0, 1], got 1.5", Tasks.TEXT_TO_TEXT.checkOption("top_p", "1.5"));
        assertNull(Tasks.TEXT_TO_TEXT.checkOption("top_p", "0.5"));
    }

    @Test
    void bindingNothingGivesTheDefaults() {
        assertSame(TextOptions.defaults().stop(), text(Map.of()).stop());
        assertEquals(TextOptions.defaults(), text(Map.of()));
        assertEquals(SpeechOptions.defaults(), Tasks.TEXT_TO_AUDIO.options(Map.of()));
    }
}
