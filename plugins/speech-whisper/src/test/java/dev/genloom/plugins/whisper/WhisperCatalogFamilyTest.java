package dev.genloom.plugins.whisper;

import dev.genloom.zoo.catalog.Catalog;
import dev.genloom.zoo.catalog.CatalogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The bundled catalog's speech recognisers name this plugin's family as it names itself. */
class WhisperCatalogFamilyTest {

    @Test
    void everySpeechToTextModelOfTheCatalogNamesTheWhisperFamily() {
        String family = new WhisperFamily().name();
        List<CatalogEntry> models = Catalog.load().entries().stream()
                .filter(e -> e.task().equals("speech-to-text")).toList();
        assertFalse(models.isEmpty(), "the bundled catalog has speech recognisers");
        for (CatalogEntry e : models) {
            assertEquals(family, e.family(), e.name());
        }
    }
}
