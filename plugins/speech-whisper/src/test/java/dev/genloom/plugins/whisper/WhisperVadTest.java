package dev.genloom.plugins.whisper;

import dev.genloom.api.ErrorKind;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Segment;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.Genloom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whisper with {@code vad}: the real Silero VAD in front of the trained toy Whisper. */
class WhisperVadTest {

    @TempDir
    static Path models;
    @TempDir
    static Path bare;
    static Path shared;
    static Genloom genloom;
    static final int RATE = 16000;

    @BeforeAll
    static void setUp() throws Exception {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the Whisper + Silero VAD tests");
        shared = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(shared.resolve("toy-whisper-en"))
                && Files.isDirectory(shared.resolve("silero-vad")), "toy-whisper-en or silero-vad missing: skipping");
        // a model directory holding both, as a user's would
        Files.createSymbolicLink(models.resolve("toy-whisper-en"), shared.resolve("toy-whisper-en"));
        Files.createSymbolicLink(models.resolve("silero-vad"), shared.resolve("silero-vad"));
        genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        if (genloom != null) {
            genloom.close();
        }
    }

    static float[] hiss(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (1e-3 * (r.nextDouble() * 2 - 1)); // -60 dBFS
        }
        return x;
    }

    /** {@code before} s of hiss, the clip, {@code after} s of hiss. */
    static float[] padded(float[] clip, double before, double after) {
        float[] a = hiss((int) (before * RATE), 1);
        float[] b = hiss((int) (after * RATE), 2);
        float[] out = new float[a.length + clip.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(clip, 0, out, a.length, clip.length);
        System.arraycopy(b, 0, out, a.length + clip.length, b.length);
        return out;
    }

    @Test
    void speechInsideLongSilenceIsFoundAndTranscribedAsTheClipAlone() throws Exception {
        // The toy was trained with each utterance at the very start of its window, so most clips are
        // heard differently once silence comes before them (as a VAD region's padding does); held_00011
        // ("Stop.") is heard the same with 0.03, 0.2 and 0.4 s of silence before it.
        List<String> lines = Files.readAllLines(shared.resolve("toy-whisper-en/heldout/transcripts.tsv"));
        String[] row = lines.get(12).split("\t", -1);
        assertEquals("held_00011.wav", row[0]);
        Audio clip = WavCodec.read(shared.resolve("toy-whisper-en/heldout").resolve(row[0]));
        float[] speech = clip.monoAt(RATE).samples();
        Audio audio = Audio.mono(padded(speech, 44.0, 40.0), RATE);
        SpeechToText stt = genloom.model("toy-whisper-en", SpeechToText.class);

        Transcript withVad = stt.transcribe(audio, TranscriptionOptions.defaults().withVad(true));
        assertEquals(row[2], withVad.text(), "the speech region alone, decoded as one short window");

        Transcript timed = stt.transcribe(audio, TranscriptionOptions.defaults().withVad(true).withTimestamps(true));
        assertFalse(timed.segments().isEmpty());
        double clipEnd = 44.0 + clip.durationSeconds();
        for (Segment s : timed.segments()) {
            double pad = VoiceActivity.OPTIONS.speechPadMs() / 1000.0 + 0.05;
            assertTrue(s.start() >= 44.0 - pad && s.end() <= clipEnd + pad,
                    "segment times are mapped back into the original audio, where the speech is: " + s);
        }
        // the whole audio without VAD: hiss windows are skipped, the speech window is decoded with timestamps
        Transcript plain = stt.transcribe(audio);
        assertTrue(plain.segments().isEmpty());
    }

    @Test
    void vadModelFromTheLoadOptionAndAClearErrorWithoutOne() throws Exception {
        Audio a = WavCodec.read(shared.resolve("silero-vad/test.wav"));
        Audio first = Audio.mono(java.util.Arrays.copyOf(a.monoAt(RATE).samples(), RATE * 3), RATE);
        // toy-whisper-en alone in a model directory: no companion
        Files.createSymbolicLink(bare.resolve("toy-whisper-en"), shared.resolve("toy-whisper-en"));
        try (Genloom alone = Genloom.builder().environment(Map.of()).modelsDir(bare).device("cpu").threads(1).build()) {
            SpeechToText stt = alone.model("toy-whisper-en", SpeechToText.class);
            GenloomException e = assertThrows(GenloomException.class,
                    () -> stt.transcribe(first, TranscriptionOptions.defaults().withVad(true)));
            assertEquals(ErrorKind.MODEL_NOT_FOUND, e.kind());
            assertTrue((e.getMessage() + e.hint()).contains("silero-vad"), e.getMessage());
            // without vad it still works
            stt.transcribe(first);
            SpeechToText withOption = (SpeechToText) alone.model("toy-whisper-en", "whisper",
                    Map.of("vad_model", shared.resolve("silero-vad/silero_vad.onnx").toString()));
            withOption.transcribe(first, TranscriptionOptions.defaults().withVad(true));
        }
    }
}
