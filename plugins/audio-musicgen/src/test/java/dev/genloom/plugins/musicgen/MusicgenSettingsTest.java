package dev.genloom.plugins.musicgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.zoo.testkit.musicgen.MusicgenExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MusicgenSettingsTest {

    @Test
    void readsTheKitFolder(@TempDir Path dir) {
        MusicgenSettings s = MusicgenSettings.read(MusicgenExport.write(dir.resolve("m"), MusicgenExport.TINY));
        assertEquals(4, s.numCodebooks());
        assertEquals(2048, s.padTokenId());
        assertEquals(32000, s.samplingRate());
        assertEquals(50, s.frameRate(), "32000 / (8 * 5 * 4 * 4) = 50");
        assertEquals(3.0, s.guidanceScale());
        assertEquals(250, s.topK());
        assertTrue(s.doSample());
        assertEquals(MusicgenExport.TINY.layers(), s.layers());
        assertEquals(MusicgenExport.TINY.headDim(), s.headDim());
        assertEquals(256 - 4, s.maxFrames());
        assertEquals(100, s.framesFor(2));
        assertEquals(13, s.framesFor(0.25), "12.5 frames round up");
        assertEquals(3, s.framesFor(0.01), "at least the 2K-1 the pattern needs, less K");
    }

    @Test
    void refusesDurationsBeyondThePositions(@TempDir Path dir) {
        MusicgenSettings s = MusicgenSettings.read(MusicgenExport.write(dir.resolve("m"), MusicgenExport.TINY));
        GenloomException e = assertThrows(GenloomException.class, () -> s.framesFor(6));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("300 frames") && e.getMessage().contains("at most 252"), e.getMessage());
        assertThrows(GenloomException.class, () -> s.framesFor(0));
    }

    @Test
    void namesTheMissingPiece(@TempDir Path dir) throws IOException {
        GenloomException missing = assertThrows(GenloomException.class, () -> MusicgenSettings.read(dir));
        assertTrue(missing.getMessage().contains("config.json"), missing.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"musicgen\", \"decoder\": {}, \"audio_encoder\": {}}");
        GenloomException key = assertThrows(GenloomException.class, () -> MusicgenSettings.read(dir));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, key.kind());
        assertTrue(key.getMessage().contains("num_attention_heads"), key.getMessage());
    }
}
