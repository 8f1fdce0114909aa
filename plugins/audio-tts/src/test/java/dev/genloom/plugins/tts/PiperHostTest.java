package dev.genloom.plugins.tts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.SpeechOptions;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.LocalModelFolder;
import dev.genloom.zoo.testkit.TestKit;
import dev.genloom.zoo.testkit.tts.PiperVoiceModel;
import dev.genloom.zoo.testkit.tts.VitsModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit's Piper voices through the real host: loaded by name, deterministic, speed 2 about half
 * the duration, speakers distinct, sentences joined with the silence, bad input and folders that
 * do not fit refused in words. Voices with {@code phoneme_type: text} (a copy of the kit voice
 * whose config says so) run without espeak-ng; the espeak voices skip where it is missing.
 */
class PiperHostTest {
    static final String VOICE = TestKit.PIPER_VOICE;
    @TempDir
    static Path models;
    static Genloom host;

    @BeforeAll
    static void setUp() throws IOException {
        PiperVoiceModel.write(models.resolve(TestKit.PIPER_TINY), VOICE, PiperVoiceModel.TINY);
        PiperVoiceModel.write(models.resolve(TestKit.PIPER_TINY_MULTI), VOICE, PiperVoiceModel.TINY_MULTI);
        PiperVoiceModel.write(models.resolve("piper-text"), VOICE, PiperVoiceModel.TINY);
        editConfig(models.resolve("piper-text"), c -> c.put("phoneme_type", "text"));
        // a config without its VOICE.onnx
        PiperVoiceModel.write(models.resolve("piper-no-onnx"), VOICE, PiperVoiceModel.TINY);
        Files.delete(models.resolve("piper-no-onnx").resolve(VOICE + ".onnx"));
        // a config without audio.sample_rate
        PiperVoiceModel.write(models.resolve("piper-no-rate"), VOICE, PiperVoiceModel.TINY);
        editConfig(models.resolve("piper-no-rate"), c -> c.remove("audio"));
        // an MMS-TTS graph where the voice should be
        PiperVoiceModel.write(models.resolve("piper-wrong-graph"), VOICE, PiperVoiceModel.TINY);
        VitsModel.model(VitsModel.TINY).write(models.resolve("piper-wrong-graph").resolve(VOICE + ".onnx"));
        host = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        host.close();
    }

    interface Edit {
        void apply(ObjectNode config);
    }

    static void editConfig(Path folder, Edit edit) throws IOException {
        Path file = folder.resolve(VOICE + ".onnx.json");
        ObjectMapper m = new ObjectMapper();
        ObjectNode c = (ObjectNode) m.readTree(file.toFile());
        edit.apply(c);
        m.writeValue(file.toFile(), c);
    }

    static TextToAudio voice(String name) {
        return host.model(name, TextToAudio.class);
    }

    static SpeechOptions speed(double s) {
        return SpeechOptions.builder().speed(s).build();
    }

    @Test
    void theEspeakVoiceSpeaksTheSameWaveformForTheSameText() {
        Espeak.assume();
        TextToAudio v = voice(TestKit.PIPER_TINY);
        Audio a = v.synthesize("Hello world, this is a test.");
        assertEquals(PiperVoiceModel.SAMPLE_RATE, a.sampleRate());
        assertEquals(1, a.channels());
        assertEquals(0, a.sampleCount() % PiperVoiceModel.TINY.hop());
        assertEquals(a, v.synthesize("Hello world, this is a test."));
        assertFalse(a.equals(v.synthesize("Goodbye world, this was a test.")));
    }

    @Test
    void speedTwoAboutHalvesTheDuration() {
        Espeak.assume();
        assertHalved(voice(TestKit.PIPER_TINY), "The quick brown fox jumps over the lazy dog");
    }

    @Test
    void speedTwoAboutHalvesTheDurationOfATextVoice() {
        assertHalved(voice("piper-text"), "the quick brown fox jumps over the lazy dog");
    }

    static void assertHalved(TextToAudio v, String text) {
        double normal = v.synthesize(text, speed(1)).durationSeconds();
        double fast = v.synthesize(text, speed(2)).durationSeconds();
        System.out.printf("%s: %.3f s at speed 1, %.3f s at speed 2 (ratio %.3f)%n", v.info().name(), normal, fast, fast / normal);
        assertEquals(0.5, fast / normal, 0.05, fast + " s at speed 2, " + normal + " s at speed 1");
    }

    @Test
    void eachSpeakerOfTheMultiSpeakerVoiceSoundsDifferent() {
        Espeak.assume();
        TextToAudio v = voice(TestKit.PIPER_TINY_MULTI);
        float[][] by = new float[3][];
        for (int s = 0; s < 3; s++) {
            by[s] = v.synthesize("Hello world.", SpeechOptions.builder().speaker(s).build()).samples();
        }
        assertFalse(Arrays.equals(by[0], by[1]));
        assertFalse(Arrays.equals(by[1], by[2]));
        assertFalse(Arrays.equals(by[0], by[2]));
        assertArrayEquals(by[0], v.synthesize("Hello world.").samples(), "speaker 0 is the default");
    }

    @Test
    void sentencesAreSpokenOneAfterTheOtherWithTheSilenceBetween() {
        TextToAudio v = voice("piper-text");
        float[] one = v.synthesize("one two.").samples();
        float[] two = v.synthesize("three four!").samples();
        float[] both = v.synthesize("one two. three four!").samples();
        int silence = (int) Math.round(0.2 * PiperVoiceModel.SAMPLE_RATE);
        assertEquals(one.length + silence + two.length, both.length);
        assertArrayEquals(one, Arrays.copyOfRange(both, 0, one.length));
        assertArrayEquals(new float[silence], Arrays.copyOfRange(both, one.length, one.length + silence));
        assertArrayEquals(two, Arrays.copyOfRange(both, one.length + silence, both.length));
    }

    @Test
    void streamingGivesOnePiecePerSentenceAndThePiecesAreTheWhole() {
        TextToAudio v = voice("piper-text");
        List<float[]> pieces = new ArrayList<>();
        v.synthesize("one two. three four! five", SpeechOptions.defaults(), piece -> pieces.add(piece.samples()));
        assertEquals(3, pieces.size());
        float[] whole = v.synthesize("one two. three four! five").samples();
        float[] joined = new float[whole.length];
        int at = 0;
        for (float[] p : pieces) {
            System.arraycopy(p, 0, joined, at, p.length);
            at += p.length;
        }
        assertEquals(whole.length, at);
        assertArrayEquals(whole, joined);
        int silence = (int) Math.round(0.2 * PiperVoiceModel.SAMPLE_RATE);
        assertArrayEquals(new float[silence], Arrays.copyOfRange(pieces.get(1), 0, silence), "the pause leads the piece");
    }

    @Test
    void noiseScaleAndNoiseWFromTheOptionsReplaceTheVoices() {
        TextToAudio v = voice("piper-text");
        float[] voices = v.synthesize("one two three").samples();
        float[] quiet = v.synthesize("one two three", SpeechOptions.builder().noiseScale(0.0).build()).samples();
        assertFalse(Arrays.equals(voices, quiet), "noise_scale 0 takes the graph's noise out");
        assertArrayEquals(quiet, v.synthesize("one two three", SpeechOptions.builder().noiseScale(0.0).noiseW(0.5).build())
                .samples(), "the kit's graph does not use noise_w");
    }

    @Test
    void badInputIsRefusedInWords() {
        TextToAudio v = voice("piper-text");
        GenloomException empty = assertThrows(GenloomException.class, () -> v.synthesize("  \n "));
        assertEquals(ErrorKind.INVALID_INPUT, empty.kind());
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());

        GenloomException none = assertThrows(GenloomException.class, () -> v.synthesize("\u4f60\u597d \u4e16\u754c"));
        assertEquals(ErrorKind.INVALID_INPUT, none.kind());
        assertTrue(none.getMessage().contains("no phonemes") && none.getMessage().contains("\u4f60"), none.getMessage());

        GenloomException speaker = assertThrows(GenloomException.class,
                () -> v.synthesize("hello", SpeechOptions.builder().speaker(1).build()));
        assertEquals(ErrorKind.INVALID_INPUT, speaker.kind());
        assertTrue(speaker.getMessage().contains("speaker 1") && speaker.getMessage().contains("one speaker"), speaker.getMessage());

        GenloomException speed = assertThrows(GenloomException.class, () -> speed(0));
        assertEquals(ErrorKind.INVALID_INPUT, speed.kind());
        assertTrue(speed.getMessage().contains("speed"), speed.getMessage());
    }

    @Test
    void aSpeakerOutOfRangeNamesTheRange() {
        Espeak.assume();
        TextToAudio v = voice(TestKit.PIPER_TINY_MULTI);
        GenloomException e = assertThrows(GenloomException.class,
                () -> v.synthesize("hello", SpeechOptions.builder().speaker(3).build()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("speaker 3") && e.getMessage().contains("0 to 2")
                && e.getMessage().contains("speaker_2"), e.getMessage());
    }

    @Test
    void punctuationAloneHasNoPhonemes() {
        Espeak.assume();
        GenloomException e = assertThrows(GenloomException.class, () -> voice(TestKit.PIPER_TINY).synthesize("... ?"));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("no phonemes"), e.getMessage());
    }

    @Test
    void foldersThatDoNotFitAreRefusedNamingWhatIsMissing() {
        GenloomException noOnnx = assertThrows(GenloomException.class, () -> voice("piper-no-onnx"));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, noOnnx.kind());
        assertTrue(noOnnx.getMessage().contains("no " + VOICE + ".onnx"), noOnnx.getMessage());

        GenloomException noRate = assertThrows(GenloomException.class, () -> voice("piper-no-rate"));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, noRate.kind());
        assertTrue(noRate.getMessage().contains("audio.sample_rate") && noRate.getMessage().contains(VOICE + ".onnx.json"),
                noRate.getMessage());

        GenloomException graph = assertThrows(GenloomException.class, () -> voice("piper-wrong-graph"));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, graph.kind());
        for (String s : new String[] {VOICE + ".onnx", "missing input input", "input_lengths", "scales", "output",
                "unexpected input", "input input_ids"}) {
            assertTrue(graph.getMessage().contains(s), s + " in: " + graph.getMessage());
        }
    }

    @Test
    void theFamilyRecognisesAVoiceFolder() {
        assertTrue(new PiperFamily().recognize(new LocalModelFolder(models.resolve(TestKit.PIPER_TINY)))
                .orElseThrow().contains(VOICE + ".onnx.json"));
    }
}
