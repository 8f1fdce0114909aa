package dev.genloom.zoo.catalog;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled catalog names families as the plugins do ({@code ModelFamily.name()}), so that a
 * catalog model and the plugin that loads it agree. The written plugins' tests check their own
 * families against the catalog (text-gpt's and speech-whisper's {@code *CatalogFamilyTest}).
 */
class CatalogFamiliesTest {

    /**
     * Every family name the catalog may use, with the task its models do: those of the plugins
     * written ({@code whisper}: speech-whisper, {@code gpt}: text-gpt) and the names the plugins to
     * come will use (vision-clip, vision-ocr, text-embeddings, image-diffusion, audio-tts with VITS/MMS
     * and Piper voices, and music generation).
     */
    static final Map<String, String> FAMILIES = Map.of(
            "whisper", "speech-to-text",
            "gpt", "text-to-text",
            "clip", "image-to-text",
            "ocr", "image-to-text",
            "embeddings", "text-embedding",
            "diffusion", "text-to-image",
            "vits", "text-to-audio",
            "piper", "text-to-audio",
            "musicgen", "text-to-audio");

    @Test
    void everyBundledEntryNamesAKnownFamilyOfItsTask() {
        Set<String> used = new TreeSet<>();
        for (CatalogEntry e : Catalog.load().entries()) {
            assertTrue(FAMILIES.containsKey(e.family()), e.name() + ": family '" + e.family() + "' is none of "
                    + new TreeSet<>(FAMILIES.keySet()));
            assertEquals(FAMILIES.get(e.family()), e.task(), e.name() + ": the task of family " + e.family());
            used.add(e.family());
        }
        assertEquals(Set.of("clip", "diffusion", "gpt", "vits", "whisper"), used);
    }
}
