package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Audio;
import dev.genloom.zoo.testkit.SpeechSignals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AudioFiles#encode}: every format it writes reads back as the same sound. */
class AudioEncodeTest {

    @TempDir
    Path dir;

    /** Relative RMS error of {@code y} against {@code x} over the middle of the clip. */
    static double relativeError(float[] x, float[] y) {
        int from = x.length / 10;
        int to = Math.min(x.length, y.length) - x.length / 10;
        double err = 0;
        double ref = 0;
        for (int i = from; i < to; i++) {
            err += (x[i] - y[i]) * (x[i] - y[i]);
            ref += x[i] * x[i];
        }
        return Math.sqrt(err / ref);
    }

    @Test
    void everyFormatReadsBackAsTheSameSound() {
        Audio source = SpeechSignals.stereo(44100, 2.0);
        float[] reference = SpeechSignals.mono(16000, 2.0).samples();
        for (String ext : new String[] {"flac", "mp3", "ogg", "opus", "m4a"}) {
            Path f = AudioFiles.encode(source, dir.resolve("speech." + ext));
            Audio back = AudioFiles.read(f);
            assertEquals(2, back.channels(), ext);
            assertEquals(ext.equals("opus") ? 48000 : 44100, back.sampleRate(), ext);
            assertEquals(2.0, back.durationSeconds(), 0.05, ext);
            double e = relativeError(reference, back.monoAt(16000).samples());
            assertTrue(e < (ext.equals("flac") ? 1e-3 : 0.1), ext + ": relative error " + e);
        }
    }

    @Test
    void anUnknownExtensionIsRefused() {
        GenloomException e = assertThrows(GenloomException.class,
                () -> AudioFiles.encode(SpeechSignals.mono(16000, 0.5), dir.resolve("speech.xyz")));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(".xyz"), e.getMessage());
    }
}
