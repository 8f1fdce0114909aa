package dev.genloom.runtime.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A catalog name finds the folder the fetcher stored under the repository id. */
class AliasTest {
    @Test
    void aNameMayStandForARepository(@TempDir Path cache) throws IOException {
        Path folder = Files.createDirectories(cache.resolve("Xenova/whisper-tiny.en"));
        Files.writeString(folder.resolve("config.json"), "{}");
        ModelStore store = new ModelStore(List.of(cache), List::of)
                .aliases(n -> n.equals("whisper-tiny.en") ? Optional.of("Xenova/whisper-tiny.en") : Optional.empty());
        assertEquals(folder, store.locate("whisper-tiny.en"));
        assertEquals(folder, store.locate("Xenova/whisper-tiny.en"));
    }
}
