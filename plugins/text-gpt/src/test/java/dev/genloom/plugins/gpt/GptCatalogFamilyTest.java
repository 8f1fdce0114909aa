package dev.genloom.plugins.gpt;

import dev.genloom.zoo.catalog.Catalog;
import dev.genloom.zoo.catalog.CatalogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The bundled catalog's language models name this plugin's family as it names itself. */
class GptCatalogFamilyTest {

    @Test
    void everyTextToTextModelOfTheCatalogNamesTheGptFamily() {
        String family = new GptFamily().name();
        List<CatalogEntry> models = Catalog.load().entries().stream()
                .filter(e -> e.task().equals("text-to-text")).toList();
        assertFalse(models.isEmpty(), "the bundled catalog has language models");
        for (CatalogEntry e : models) {
            assertEquals(family, e.family(), e.name());
        }
    }
}
