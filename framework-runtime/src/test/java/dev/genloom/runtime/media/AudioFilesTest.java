package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.zoo.testkit.SpeechSignals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every test file is written here, at test time: the same speech-like signal
 * ({@link SpeechSignals}, 3 s) as WAV in several encodings and through FFmpeg's encoders. Each is
 * read back with {@link AudioFiles#read}, brought to 16 kHz mono with {@link Audio#monoAt}, and
 * compared with the signal rendered directly at 16 kHz.
 */
class AudioFilesTest {
    static final double SECONDS = SpeechSignals.SECONDS;
    static final int RATE = 16000;
    /** The reference: the signal rendered at 16 kHz. */
    static final float[] REFERENCE = SpeechSignals.samples(RATE, SECONDS);
    /** Samples left out of comparisons at each end, where the resampler sees beyond the clip. */
    static final int EDGE = RATE / 20;

    @TempDir
    Path dir;

    // -------------------------------------------------------------------------- comparisons

    /** The RMS of a - b over the middle, relative to the RMS of b there; a is shifted by lag. */
    static double relativeError(float[] a, float[] b, int lag) {
        double err = 0;
        double ref = 0;
        for (int i = EDGE; i < b.length - EDGE; i++) {
            int j = i + lag;
            double x = j >= 0 && j < a.length ? a[j] : 0;
            err += (x - b[i]) * (x - b[i]);
            ref += b[i] * b[i];
        }
        return Math.sqrt(err / ref);
    }

    /** The shift of {@code a} against {@code b} (within +-maxLag) where they correlate best. */
    static int bestLag(float[] a, float[] b, int maxLag) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double dot = 0;
            int from = Math.max(0, -lag);
            int to = Math.min(b.length, a.length - lag);
            for (int i = from; i < to; i++) {
                dot += a[i + lag] * b[i];
            }
            if (dot > bestScore) {
                bestScore = dot;
                best = lag;
            }
        }
        return best;
    }

    /** Loudness in 20-ms windows (RMS each), of {@code a} shifted by lag. */
    static double[] envelope(float[] a, int lag, int windows) {
        int w = RATE / 50;
        double[] env = new double[windows];
        for (int k = 0; k < windows; k++) {
            double e = 0;
            for (int i = k * w; i < (k + 1) * w; i++) {
                int j = i + lag;
                double x = j >= 0 && j < a.length ? a[j] : 0;
                e += x * x;
            }
            env[k] = Math.sqrt(e / w);
        }
        return env;
    }

    static double correlation(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Reads a file, checks its rate and channels, and compares it at 16 kHz mono with the signal. */
    static double[] readAndCompare(Path file, int rate, int channels, int maxLag) {
        Audio audio = AudioFiles.read(file);
        assertEquals(rate, audio.sampleRate(), file + " sample rate");
        assertEquals(channels, audio.channels(), file + " channels");
        float[] mono = audio.monoAt(RATE).samples();
        int lag = maxLag == 0 ? 0 : bestLag(mono, REFERENCE, maxLag);
        double err = relativeError(mono, REFERENCE, lag);
        int windows = REFERENCE.length / (RATE / 50);
        double envCorr = correlation(envelope(mono, lag, windows), envelope(REFERENCE, 0, windows));
        System.out.printf("%-12s %6d Hz %d ch %7d frames (%.3f s), lag %d, relative error %.5f, envelope r %.5f%n",
                file.getFileName(), audio.sampleRate(), audio.channels(), audio.frames(), audio.durationSeconds(),
                lag, err, envCorr);
        return new double[] {err, envCorr, lag, audio.durationSeconds()};
    }

    // ---------------------------------------------------------------------------------- WAV

    @Test
    void wav16BitMono16k() {
        Path f = dir.resolve("speech16.wav");
        WavCodec.write(SpeechSignals.mono(RATE, SECONDS), f, WavCodec.Encoding.PCM_16);
        double[] r = readAndCompare(f, 16000, 1, 0);
        assertTrue(r[0] < 1e-3, "16-bit quantisation only: " + r[0]);
        assertEquals(SECONDS, r[3], 1e-9);
    }

    @Test
    void wavFloatStereo44k() {
        Path f = dir.resolve("speech44f.wav");
        WavCodec.write(SpeechSignals.stereo(44100, SECONDS), f, WavCodec.Encoding.FLOAT_32);
        double[] r = readAndCompare(f, 44100, 2, 0);
        assertTrue(r[0] < 1e-3, "resampling error only: " + r[0]);
    }

    @Test
    void wav24BitMono48k() {
        Path f = dir.resolve("speech48.wav");
        WavCodec.write(SpeechSignals.mono(48000, SECONDS), f, WavCodec.Encoding.PCM_24);
        double[] r = readAndCompare(f, 48000, 1, 0);
        assertTrue(r[0] < 1e-3, "resampling error only: " + r[0]);
    }

    @Test
    void wavIsRecognisedByItsContentNotItsName() {
        Path f = dir.resolve("actually-a-wav.mp3");
        WavCodec.write(SpeechSignals.mono(RATE, SECONDS), f, WavCodec.Encoding.PCM_16);
        assertEquals(WavCodec.read(f), AudioFiles.read(f));
    }

    @Test
    void wavInACodingWavCodecDoesNotReadGoesToFfmpeg() throws Exception {
        Path f = dir.resolve("alaw.wav");
        FfmpegEncoder.encode(SpeechSignals.mono(8000, SECONDS), f, "wav", "pcm_alaw", 0);
        assertThrows(WavCodec.UnsupportedWavException.class, () -> WavCodec.read(f));
        // A-law keeps about 13 bits near silence, fewer when loud: a few per cent of error
        double[] r = readAndCompare(f, 8000, 1, 0);
        assertTrue(r[0] < 0.05, "A-law error " + r[0]);
        try (InputStream in = Files.newInputStream(f)) {
            assertEquals(AudioFiles.read(f), AudioFiles.read(in, "alaw upload"));
        }
    }

    @Test
    void rf64GoesToFfmpeg() throws Exception {
        Path f = dir.resolve("big.wav");
        FfmpegEncoder.encode(SpeechSignals.stereo(48000, SECONDS), f, "wav", "pcm_s16le", 0,
                java.util.Map.of("rf64", "always"));
        byte[] head = Arrays.copyOf(Files.readAllBytes(f), 4);
        assertEquals("RF64", new String(head, StandardCharsets.US_ASCII));
        assertThrows(WavCodec.UnsupportedWavException.class, () -> WavCodec.read(f));
        double[] r = readAndCompare(f, 48000, 2, 0);
        assertTrue(r[0] < 1e-3, "16-bit PCM in RF64: " + r[0]);
        assertEquals(SECONDS, r[3], 1e-9);
    }

    // ------------------------------------------------------------------------------- FFmpeg

    @ParameterizedTest(name = "{0}: {1} in {2}")
    @CsvSource({
            // file,        encoder,    muxer,    rate,  ch, bitrate, lossless
            "speech.flac,   flac,       flac,     48000, 2,  0,       true",
            "speech.mp3,    libmp3lame, mp3,      44100, 2,  192000,  false",
            "speech.opus,   libopus,    ogg,      48000, 2,  128000,  false",
            "speech.ogg,    vorbis,     ogg,      44100, 2,  160000,  false",
            "speech.m4a,    aac,        ipod,     44100, 2,  160000,  false",
            "speech-8k.mp3, libmp3lame, mp3,      22050, 1,  64000,   false"})
    void encodedAudio(String name, String encoder, String muxer, int rate, int channels, int bitrate,
                      boolean lossless) throws Exception {
        assumeTrue(FfmpegEncoder.hasEncoder(encoder), "this FFmpeg build has no " + encoder + " encoder");
        Path f = dir.resolve(name);
        Audio source = channels == 2 ? SpeechSignals.stereo(rate, SECONDS) : SpeechSignals.mono(rate, SECONDS);
        FfmpegEncoder.encode(source, f, muxer, encoder, bitrate);
        double[] r = readAndCompare(f, rate, channels, lossless ? 0 : 800);
        if (lossless) {
            assertTrue(r[0] < 1e-3, "lossless: " + r[0]);
            assertEquals(SECONDS, r[3], 1e-9);
        } else {
            // the decoder removes the encoder's delay (gapless info, pre-skip, edit list)
            assertTrue(Math.abs(r[2]) <= 2, "lag " + r[2] + " samples at 16 kHz");
            // measured: 0.013 (Vorbis) to 0.05 (MP3 at 64 kb/s)
            assertTrue(r[0] < 0.1, "waveform error " + r[0]);
            assertTrue(r[1] > 0.999, "loudness envelope correlation " + r[1]);
            // AAC keeps its last frame's padding (up to 1024 samples); the others are exact
            assertEquals(SECONDS, r[3], 0.03, "duration");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"clip.mp4, mp4", "clip.mkv, matroska"})
    void theSoundTrackOfAVideo(String name, String muxer) throws Exception {
        Path f = dir.resolve(name);
        FfmpegEncoder.video(f, muxer, 30, SpeechSignals.stereo(44100, SECONDS));
        double[] r = readAndCompare(f, 44100, 2, 800);
        assertTrue(Math.abs(r[2]) <= 2, "lag " + r[2]);
        assertTrue(r[0] < 0.1, "waveform error " + r[0]);
        assertTrue(r[1] > 0.999, "loudness envelope correlation " + r[1]);
    }

    @Test
    void streams() throws Exception {
        byte[] wav = WavCodec.encode(SpeechSignals.mono(RATE, SECONDS), WavCodec.Encoding.PCM_16);
        Audio fromStream = AudioFiles.read(new ByteArrayInputStream(wav), "upload.wav");
        assertEquals(WavCodec.decode(wav, "x"), fromStream);

        Path mp3 = dir.resolve("s.mp3");
        FfmpegEncoder.encode(SpeechSignals.mono(RATE, SECONDS), mp3, "mp3", "libmp3lame", 64000);
        try (InputStream in = Files.newInputStream(mp3)) {
            assertEquals(AudioFiles.read(mp3), AudioFiles.read(in, "upload.mp3"));
        }
        GenloomException e = assertThrows(GenloomException.class,
                () -> AudioFiles.read(new ByteArrayInputStream(new byte[0]), "request body"));
        assertTrue(e.getMessage().contains("request body") && e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(GenloomException.class, () -> AudioFiles.read(
                new ByteArrayInputStream("hello".repeat(100).getBytes(StandardCharsets.UTF_8)), "request body"));
        assertTrue(e.getMessage().startsWith("request body is not audio FFmpeg can decode"), e.getMessage());
    }

    // ------------------------------------------------------------------------------ bad input

    static GenloomException fails(Path file, ErrorKind kind, String... parts) {
        GenloomException e = assertThrows(GenloomException.class, () -> AudioFiles.read(file));
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), "no file name in: " + e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "no '" + p + "' in: " + e.getMessage());
        }
        System.out.println("as expected: " + e.describe());
        return e;
    }

    @Test
    void missingEmptyAndDirectory() throws Exception {
        fails(dir.resolve("nope.wav"), ErrorKind.INVALID_INPUT, "not found");
        Path empty = Files.createFile(dir.resolve("empty.mp3"));
        fails(empty, ErrorKind.INVALID_INPUT, "empty", "0 bytes");
        fails(dir, ErrorKind.INVALID_INPUT, "directory");
    }

    @Test
    void filesThatAreNotAudio() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "These are meeting notes, not a recording.\n".repeat(20), StandardCharsets.UTF_8);
        fails(text, ErrorKind.INVALID_INPUT, "is not audio FFmpeg can decode");

        Path png = dir.resolve("picture.png");
        new Image(32, 32, new byte[32 * 32 * 3]).writePng(png);
        fails(png, ErrorKind.INVALID_INPUT, "is not audio FFmpeg can decode");

        Path noise = dir.resolve("random.bin");
        byte[] bytes = new byte[5000];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(noise, bytes);
        fails(noise, ErrorKind.INVALID_INPUT, "is not audio FFmpeg can decode");
    }

    @Test
    void aVideoWithoutSound() throws Exception {
        Path f = dir.resolve("silent-film.mp4");
        FfmpegEncoder.video(f, "mp4", 10, null);
        fails(f, ErrorKind.INVALID_INPUT, "is not audio FFmpeg can decode", "no audio track", "mpeg4");
    }

    @Test
    void aWavCutShortGivesWhatIsThere() throws Exception {
        byte[] wav = WavCodec.encode(SpeechSignals.mono(RATE, SECONDS), WavCodec.Encoding.PCM_16);
        Path f = dir.resolve("cut.wav");
        int keep = 44 + 2 * RATE + 1; // the header, one second, and half a sample
        Files.write(f, Arrays.copyOf(wav, keep));
        Audio audio = AudioFiles.read(f);
        assertEquals(RATE, audio.frames());
        float[] first = Arrays.copyOf(WavCodec.decode(wav, "x").samples(), RATE);
        assertTrue(Arrays.equals(first, audio.samples()));

        Path header = dir.resolve("header.wav");
        Files.write(header, Arrays.copyOf(wav, 30)); // inside the fmt chunk
        fails(header, ErrorKind.INVALID_INPUT, "truncated", "fmt chunk");
    }

    @Test
    void anMp3CutShortGivesWhatIsThere() throws Exception {
        Path full = dir.resolve("full.mp3");
        FfmpegEncoder.encode(SpeechSignals.stereo(44100, SECONDS), full, "mp3", "libmp3lame", 128000);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = dir.resolve("cut.mp3");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2 + 77)); // mid-frame
        Audio audio = AudioFiles.read(cut);
        assertEquals(44100, audio.sampleRate());
        assertTrue(audio.durationSeconds() > 1.3 && audio.durationSeconds() < 1.7,
                "about half of 3 s, got " + audio.durationSeconds());
        // what is there is the signal
        float[] mono = audio.monoAt(RATE).samples();
        float[] head = Arrays.copyOf(REFERENCE, mono.length);
        assertTrue(relativeError(mono, head, 0) < 0.1);

        Path stub = dir.resolve("stub.mp3");
        Files.write(stub, Arrays.copyOf(bytes, 3)); // "ID3" and nothing more
        fails(stub, ErrorKind.INVALID_INPUT, "is not audio FFmpeg can decode");
    }

    @Test
    void anAudioStreamWithoutSamplesGivesNoFrames() throws Exception {
        Path wav = dir.resolve("nothing.wav");
        WavCodec.write(Audio.mono(new float[0], 22050), wav);
        Audio a = AudioFiles.read(wav);
        assertEquals(0, a.frames());
        assertEquals(22050, a.sampleRate());
        assertEquals(0, a.monoAt(RATE).frames());

        Path flac = dir.resolve("nothing.flac");
        FfmpegEncoder.encode(Audio.mono(new float[0], 44100), flac, "flac", "flac", 0);
        Audio b = AudioFiles.read(flac);
        assertEquals(0, b.frames());
        assertEquals(44100, b.sampleRate());
    }
}
