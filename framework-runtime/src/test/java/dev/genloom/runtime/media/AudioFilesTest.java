package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.WavCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioFilesTest {

    @TempDir
    Path dir;

    /** 2 s of a speech-like band-limited signal: a few harmonics under a syllable envelope. */
    static float[] signal(int rate, int channels) {
        int n = 2 * rate;
        float[] x = new float[n * channels];
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
            double v = 0;
            for (int h = 1; h <= 5; h++) {
                v += Math.sin(2 * Math.PI * 180 * h * t) / h;
            }
            for (int c = 0; c < channels; c++) {
                x[i * channels + c] = (float) (0.3 * env * v);
            }
        }
        return x;
    }

    static float[] reference16k() {
        return signal(16000, 1);
    }

    /**
     * Signal-to-error ratio in dB of {@code y} against the reference, after finding the best
     * alignment within ±{@code maxLag} samples (lossy codecs may shift by their priming), over the
     * middle of the clip.
     */
    static double snrDb(float[] ref, float[] y, int maxLag) {
        double best = Double.NEGATIVE_INFINITY;
        int from = 1600;
        int to = Math.min(ref.length, y.length) - 1600;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double sig = 0;
            double err = 0;
            for (int i = from; i < to; i++) {
                int j = i + lag;
                if (j < 0 || j >= y.length) {
                    continue;
                }
                sig += (double) ref[i] * ref[i];
                double d = ref[i] - y[j];
                err += d * d;
            }
            best = Math.max(best, 10 * Math.log10(sig / err));
        }
        return best;
    }

    @Test
    void wavInEveryEncodingIsReadByItsHeaderNotItsName() {
        float[] x = signal(44100, 2);
        Audio a = new Audio(x, 44100, 2);
        for (WavCodec.Encoding e : WavCodec.Encoding.values()) {
            Path f = dir.resolve("sound-" + e + ".bin"); // no .wav: recognised by content
            a.writeWav(f, e);
            Audio back = AudioFiles.read(f);
            assertEquals(44100, back.sampleRate());
            assertEquals(2, back.channels());
            double snr = snrDb(reference16k(), back.monoAt(16000).samples(), 0);
            // 8-bit PCM quantises to 1/128: about 38 dB on this signal; the others are far finer
            assertTrue(snr > (e == WavCodec.Encoding.PCM_U8 ? 30 : 60), e + ": " + snr + " dB");
        }
    }

    @Test
    void compressedFormatsDecodeToTheSameSound() throws Exception {
        float[] stereo44 = signal(44100, 2);
        record Case(String name, int rate, double minSnr, int lag) {
        }
        for (Case c : new Case[] {
            new Case("a.flac", 44100, 60, 0),
            new Case("a.mp3", 44100, 15, 1200),
            new Case("a.m4a", 44100, 15, 1200),
            new Case("a.ogg", 44100, 15, 1200),
            new Case("a.opus", 48000, 12, 1200)}) {
            Path f = AudioFiles.encode(new Audio(stereo44, 44100, 2), dir.resolve(c.name()));
            Audio back = AudioFiles.read(f);
            assertEquals(2, back.channels(), c.name());
            assertEquals(c.rate(), back.sampleRate(), c.name());
            assertEquals(2.0, back.durationSeconds(), 0.1, c.name());
            double snr = snrDb(reference16k(), back.monoAt(16000).samples(), c.lag());
            assertTrue(snr > c.minSnr(), c.name() + ": " + snr + " dB");
        }
    }

    @Test
    void theSoundTrackOfAVideoIsRead() throws Exception {
        Path f = Encoders.video(dir.resolve("clip.mp4"), signal(44100, 1), 44100, 1);
        Audio back = AudioFiles.read(f);
        assertEquals(1, back.channels());
        assertTrue(snrDb(reference16k(), back.monoAt(16000).samples(), 1200) > 15);
    }

    @Test
    void badInputGetsAClearErrorNamingTheFile() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.mp3"), "these are words, not sound\n".repeat(20));
        GenloomException e = assertThrows(GenloomException.class, () -> AudioFiles.read(text));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("notes.mp3") && e.getMessage().contains("not audio"), e.getMessage());

        Path empty = Files.createFile(dir.resolve("empty.wav"));
        GenloomException z = assertThrows(GenloomException.class, () -> AudioFiles.read(empty));
        assertTrue(z.getMessage().contains("empty"), z.getMessage());

        GenloomException unknownExtension = assertThrows(GenloomException.class,
                () -> AudioFiles.encode(new Audio(signal(16000, 1), 16000, 1), dir.resolve("x.xyz")));
        assertTrue(unknownExtension.getMessage().contains(".xyz"), unknownExtension.getMessage());

        GenloomException missing = assertThrows(GenloomException.class, () -> AudioFiles.read(dir.resolve("nope.flac")));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());

        Path silent = Encoders.silentVideo(dir.resolve("silent.mp4"));
        GenloomException noTrack = assertThrows(GenloomException.class, () -> AudioFiles.read(silent));
        assertTrue(noTrack.getMessage().contains("no audio track"), noTrack.getMessage());

        // a WAV cut short: its data chunk declares more than is there
        Path wav = dir.resolve("cut.wav");
        new Audio(signal(16000, 1), 16000, 1).writeWav(wav);
        byte[] bytes = Files.readAllBytes(wav);
        Path cut = Files.write(dir.resolve("cut-short.wav"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        GenloomException truncated = assertThrows(GenloomException.class, () -> AudioFiles.read(cut));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    }

    @Test
    void aTruncatedMp3GivesTheSoundThatIsThere() throws Exception {
        Path mp3 = AudioFiles.encode(new Audio(signal(44100, 1), 44100, 1), dir.resolve("long.mp3"));
        byte[] bytes = Files.readAllBytes(mp3);
        Path half = Files.write(dir.resolve("half.mp3"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Audio back = AudioFiles.read(half);
        assertEquals(1.0, back.durationSeconds(), 0.15, "about half of the 2 s");
        float[] y = back.monoAt(16000).samples();
        float[] ref = java.util.Arrays.copyOf(reference16k(), y.length);
        assertTrue(snrDb(ref, y, 1200) > 15);
    }
}
