package dev.genloom.plugins.whisper;

import dev.genloom.zoo.testkit.whisper.WhisperExport;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Segment;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.whisper.WhisperExport.Config;
import dev.genloom.zoo.testkit.whisper.WhisperTokenLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin against the test kit's export-faithful tiny Whisper (random weights, real graphs). */
class WhisperTestKitTest {

    @TempDir
    static Path models;
    static Genloom genloom;
    static Path kit;
    static Path merged;
    static Path split;
    static Path multilingual;
    static final int RATE = 16000;

    /** Tiny multilingual Whisper: the kit's sizes with several language tokens. */
    static final Config MULTI = new Config(32, 2, 2, 4, 64, 80, 3000, 448,
            256 + WhisperTokenLayout.MERGES + WhisperTokenLayout.specialCount(5), List.of("en", "de", "fr", "es", "ja"),
            true, 7);

    @BeforeAll
    static void setUp() {
        kit = WhisperExport.write(models.resolve("whisper-tiny-kit"),
                WhisperExport.TINY);
        merged = WhisperExport.write(models.resolve("whisper-merged"),
                WhisperExport.TINY,
                EnumSet.of(WhisperExport.File.ENCODER,
                        WhisperExport.File.DECODER_MERGED));
        split = WhisperExport.write(models.resolve("whisper-split"),
                WhisperExport.TINY,
                EnumSet.of(WhisperExport.File.ENCODER,
                        WhisperExport.File.DECODER,
                        WhisperExport.File.DECODER_WITH_PAST));
        multilingual = WhisperExport.write(models.resolve("whisper-multi"), MULTI);
        genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        genloom.close();
    }

    static SpeechToText stt(Path folder, Map<String, Object> options) {
        return (SpeechToText) genloom.model(folder.toString(), "whisper", options);
    }

    /** Speech-like test audio: voiced tones with a syllable-rate envelope and a little noise. */
    static float[] babble(double seconds, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = (int) Math.round(seconds * RATE);
        float[] x = new float[n];
        double f0 = 110 + r.nextDouble() * 90;
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            double envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3.7 * t + seed);
            double v = 0;
            for (int h = 1; h <= 6; h++) {
                v += Math.sin(2 * Math.PI * f0 * h * t * (1 + 0.02 * Math.sin(2 * Math.PI * 0.3 * t))) / h;
            }
            x[i] = (float) (0.15 * envelope * v + 0.01 * (r.nextDouble() * 2 - 1));
        }
        return x;
    }

    static final TranscriptionOptions TIMED = TranscriptionOptions.defaults().withTimestamps(true);

    @Test
    void isRecognisedAndLoadedAsWhisperThroughTheHost() {
        SpeechToText m = genloom.model(kit.toString(), SpeechToText.class);
        assertEquals("whisper", m.info().family());
        Transcript t = m.transcribe(Audio.mono(babble(4, 1), RATE));
        assertEquals("en", t.language());
        assertTrue(t.segments().isEmpty(), "no timestamps asked: no segments");
    }

    @Test
    void cachedAndUncachedDecodingGiveTheSameTokens() throws Exception {
        float[] samples = babble(6, 2);
        try (WhisperModel cached = Direct.open(kit, Map.of());
             WhisperModel full = Direct.open(kit, Map.of("cache", false))) {
            long[] timed = cached.tokens().prompt("en", false, true);
            long[] plain = cached.tokens().prompt("en", false, false);
            List<WindowDecoder.Settings> settings = List.of(
                    new WindowDecoder.Settings(plain, false, 1, 0, 0, 40),
                    new WindowDecoder.Settings(timed, true, 1, 0, 0, 40),
                    new WindowDecoder.Settings(timed, true, 3, 0, 0, 40),
                    new WindowDecoder.Settings(timed, true, 1, 0.8, 17, 40));
            for (WindowDecoder.Settings s : settings) {
                WindowDecoder.Result a = cached.transcriber.decodeWindow(samples, s);
                WindowDecoder.Result b = full.transcriber.decodeWindow(samples, s);
                assertArrayEquals(b.tokens(), a.tokens(), "beams " + s.beams() + ", temperature " + s.temperature());
                assertEquals(b.sumLogprob(), a.sumLogprob(), 1e-3);
                assertTrue(a.tokens().length > 3, "decoded something: " + a.tokens().length);
            }
        }
    }

    @Test
    void mergedAndSplitDecodersGiveTheSameTranscripts() {
        Audio a = Audio.mono(babble(9, 3), RATE);
        for (TranscriptionOptions o : List.of(TranscriptionOptions.defaults(), TIMED, TIMED.withBeams(2))) {
            Transcript m = stt(merged, Map.of()).transcribe(a, o);
            Transcript s = stt(split, Map.of()).transcribe(a, o);
            assertEquals(m, s, "options " + o);
            assertEquals(m, stt(kit, Map.of("decoder", "merged")).transcribe(a, o));
        }
    }

    @Test
    void timestampRulesHoldOnEveryGeneratedSequence() {
        List<long[]> windows = new ArrayList<>();
        try (WhisperModel m = Direct.open(kit, Map.of())) {
            m.transcriber.windowObserver = windows::add;
            for (int seed = 0; seed < 6; seed++) {
                m.transcribe(Audio.mono(babble(20 + seed * 7, 100 + seed), RATE), TIMED.withBeams(1 + seed % 3));
            }
            WhisperTokensView tokens = new WhisperTokensView(m);
            int pairs = 0;
            int textTokens = 0;
            for (long[] t : windows) {
                assertTrue(t.length > 0 && tokens.isTimestamp(t[0]), "starts with a timestamp: " + List.of(t));
                assertTrue(t[0] - tokens.begin() <= tokens.maxInitial(), "first timestamp within the allowed start");
                long previous = -1;
                boolean textSinceTimestamp = false;
                int run = 0;
                int runStart = 0;
                for (int i = 0; i < t.length; i++) {
                    if (tokens.isTimestamp(t[i])) {
                        if (run == 0) {
                            runStart = i;
                        }
                        assertTrue(t[i] >= previous, "timestamps never decrease: " + java.util.Arrays.toString(t));
                        if (textSinceTimestamp) {
                            assertTrue(t[i] > previous, "a segment ends after it starts");
                        }
                        previous = t[i];
                        run++;
                        textSinceTimestamp = false;
                    } else {
                        assertTrue(run != 1 || runStart == 0, "text after a lone timestamp that closed a "
                                + "segment, at " + i + ": " + java.util.Arrays.toString(t));
                        if (run == 2) {
                            pairs++;
                        }
                        run = 0;
                        textSinceTimestamp = true;
                        textTokens++;
                    }
                    assertTrue(run <= 2, "at most two timestamps in a row: " + java.util.Arrays.toString(t));
                }
            }
            assertTrue(windows.size() >= 6, "windows decoded: " + windows.size());
            assertTrue(pairs > 0 && textTokens > 0, "the sequences had pairs (" + pairs + ") and text ("
                    + textTokens + "), so the rules were exercised");
        }
    }

    @Test
    void seventySecondsAreTranscribedWindowAfterWindowWithoutGapsOrOverlaps() {
        Audio a = Audio.mono(babble(70, 9), RATE);
        List<Segment> streamed = new ArrayList<>();
        Transcript t = stt(kit, Map.of()).transcribe(a, TIMED, streamed::add);
        assertEquals(streamed, t.segments(), "the listener saw each segment once, in order");
        assertFalse(t.segments().isEmpty());
        double previousEnd = 0;
        for (Segment s : t.segments()) {
            assertTrue(s.start() >= previousEnd - 1e-9, "segments do not overlap: " + t.segments());
            assertTrue(s.end() <= 70.0 + 1e-9, "within the audio: " + s);
            previousEnd = s.end();
        }
        assertTrue(t.segments().get(t.segments().size() - 1).start() > 30, "later windows were decoded: "
                + t.segments());
        StringBuilder joined = new StringBuilder();
        t.segments().forEach(s -> joined.append(s.text()));
        assertEquals(joined.toString(), t.text(), "the text is the segments' text, nothing lost or doubled");
        // without timestamps asked the same windows are decoded; only the segments are dropped
        Transcript plain = stt(kit, Map.of()).transcribe(a, TranscriptionOptions.defaults());
        assertEquals(t.text(), plain.text());
        assertTrue(plain.segments().isEmpty());
    }

    @Test
    void silenceGivesAnEmptyTranscriptNotInventedWords() {
        SpeechToText m = stt(kit, Map.of());
        for (float[] quiet : List.of(new float[RATE * 5], lowNoise(RATE * 40))) {
            Transcript t = m.transcribe(Audio.mono(quiet, RATE), TIMED);
            assertEquals("", t.text());
            assertTrue(t.segments().isEmpty());
        }
        Transcript empty = m.transcribe(Audio.mono(new float[0], RATE));
        assertEquals("", empty.text());
        assertEquals("en", empty.language());
    }

    static float[] lowNoise(int n) {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (1e-4 * (r.nextDouble() * 2 - 1));
        }
        return x;
    }

    @Test
    void anyRateAndChannelCountIsBroughtTo16kMonoWithTheSameFeatures() {
        float[] mono16k = babble(6, 11);
        // the same sound at 48 kHz stereo (each channel the same)
        float[] m = Audio.mono(mono16k, RATE).resample(48000).samples();
        float[] stereo = new float[m.length * 2];
        for (int i = 0; i < m.length; i++) {
            stereo[2 * i] = m[i];
            stereo[2 * i + 1] = m[i];
        }
        Audio a48 = new Audio(stereo, 48000, 2);
        dev.genloom.plugins.whisper.features.LogMelSpectrogram mel =
                dev.genloom.plugins.whisper.features.LogMelSpectrogram.whisper(80);
        float[] direct = mel.compute(mono16k, 0, mono16k.length);
        float[] back = a48.monoAt(RATE).samples();
        assertEquals(mono16k.length, back.length);
        float[] converted = mel.compute(back, 0, back.length);
        // the round trip keeps everything below the resampler's pass band edge (0.9 x 8 kHz)
        int frames = mel.frames();
        int usedFrames = mono16k.length / mel.hopLength();
        double worst = 0;
        for (int b = 0; b < 70; b++) { // mel bin 70 is centred near 5.9 kHz
            for (int t = 2; t < usedFrames - 2; t++) {
                worst = Math.max(worst, Math.abs(direct[b * frames + t] - converted[b * frames + t]));
            }
        }
        assertTrue(worst < 0.02, "features differ by " + worst);
        SpeechToText stt = stt(kit, Map.of());
        assertEquals("en", stt.transcribe(a48).language());
    }

    @Test
    void languageIsDetectedByAMultilingualModelAndCheckedAgainstTheModel() {
        SpeechToText multi = stt(multilingual, Map.of());
        Audio a = Audio.mono(babble(5, 21), RATE);
        Transcript detected = multi.transcribe(a);
        assertTrue(Set.of("en", "de", "fr", "es", "ja").contains(detected.language()), detected.language());
        assertEquals(detected, multi.transcribe(a, TranscriptionOptions.defaults().withLanguage(detected.language())),
                "detection picks the language the transcript is then decoded in");
        String other = detected.language().equals("de") ? "fr" : "de";
        assertEquals(other, multi.transcribe(a, TranscriptionOptions.defaults().withLanguage(other)).language());
        multi.transcribe(a, TranscriptionOptions.defaults().withTask(TranscriptionOptions.Task.TRANSLATE)
                .withLanguage(other));

        GenloomException unknown = assertThrows(GenloomException.class,
                () -> multi.transcribe(a, TranscriptionOptions.defaults().withLanguage("xx")));
        assertEquals(ErrorKind.INVALID_INPUT, unknown.kind());
        assertTrue(unknown.getMessage().contains("xx"), unknown.getMessage());

        SpeechToText english = stt(kit, Map.of());
        GenloomException fr = assertThrows(GenloomException.class,
                () -> english.transcribe(a, TranscriptionOptions.defaults().withLanguage("fr")));
        assertTrue(fr.getMessage().contains("English-only"), fr.getMessage());
        GenloomException translate = assertThrows(GenloomException.class,
                () -> english.transcribe(a, TranscriptionOptions.defaults().withTask(TranscriptionOptions.Task.TRANSLATE)));
        assertTrue(translate.getMessage().contains("cannot translate"), translate.getMessage());
    }

    @Test
    void aFolderThatDoesNotFitIsRefusedNamingWhatIsMissing() throws Exception {
        Path broken = models.resolve("whisper-no-decoder");
        WhisperExport.write(broken, WhisperExport.TINY,
                EnumSet.of(WhisperExport.File.ENCODER,
                        WhisperExport.File.DECODER));
        GenloomException e = assertThrows(GenloomException.class, () -> stt(broken, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("decoder_model_merged"), e.getMessage());

        // a decoder in the encoder's place: its inputs are named
        Path swapped = models.resolve("whisper-swapped");
        WhisperExport.write(swapped, WhisperExport.TINY);
        Files.copy(swapped.resolve("onnx/decoder_model.onnx"), swapped.resolve("onnx/encoder_model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        GenloomException s = assertThrows(GenloomException.class, () -> stt(swapped, Map.of()));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, s.kind());
        assertTrue(s.getMessage().contains("missing input input_features"), s.getMessage());
        assertTrue(s.getMessage().contains("unexpected input encoder_hidden_states"), s.getMessage());
    }

    @Test
    void beamSearchWithOneBeamIsGreedy() {
        Audio a = Audio.mono(babble(8, 31), RATE);
        SpeechToText m = stt(kit, Map.of());
        assertEquals(m.transcribe(a, TIMED), m.transcribe(a, TIMED.withBeams(1)));
        Transcript beams = m.transcribe(a, TIMED.withBeams(4));
        assertNotNull(beams.text());
    }

    /** The token ids the rules speak of, from the model under test. */
    record WhisperTokensView(long begin, int maxInitial) {
        WhisperTokensView(WhisperModel m) {
            this(m.tokens().timestampBegin(), m.tokens().maxInitialTimestampIndex());
        }

        boolean isTimestamp(long t) {
            return t >= begin;
        }
    }

}
