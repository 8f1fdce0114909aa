package dev.genloom.plugins.whisper.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings read from preprocessor_config.json, and the errors for nonsense in it. */
class PreprocessorConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The feature settings of Hugging Face's openai/whisper-tiny.en export, written out. */
    static final String TINY_EN = """
            {
              "chunk_length": 30,
              "feature_extractor_type": "WhisperFeatureExtractor",
              "feature_size": 80,
              "hop_length": 160,
              "n_fft": 400,
              "n_samples": 480000,
              "nb_max_frames": 3000,
              "padding_side": "right",
              "padding_value": 0.0,
              "processor_class": "WhisperProcessor",
              "return_attention_mask": false,
              "sampling_rate": 16000
            }
            """;

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    static void assertWhisper(FeatureSettings settings, int mels) {
        assertEquals(FeatureSettings.whisper(mels), settings);
        assertEquals(3000, settings.frames());
        assertEquals(201, settings.frequencyBins());
    }

    @Test
    void readsTheRealWhisperTinyEnConfig() {
        String models = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(models != null && !models.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the test with whisper-tiny.en's preprocessor_config.json");
        Path file = Path.of(models, "tokenizers", "whisper-tiny.en", "preprocessor_config.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "no " + file + ": skipping");
        LogMelSpectrogram features = LogMelSpectrogram.fromPreprocessorConfig(file);
        assertWhisper(features.settings(), 80);
        float[] x = LogMelSpectrogramTest.chirp(16000 * 3);
        assertArrayEquals(LogMelSpectrogram.whisper(80).compute(x), features.compute(x));
    }

    @Test
    void readsAnEquivalentConfigFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, TINY_EN);
        LogMelSpectrogram features = LogMelSpectrogram.fromPreprocessorConfig(file);
        assertWhisper(features.settings(), 80);
        float[] x = LogMelSpectrogramTest.tonesAndNoise(16000 * 4, 9);
        LogMelSpectrogramTest.assertClose(ReferenceLogMel.whisper(x, 80), features.compute(x), 3000,
                "features from the config file");
    }

    @Test
    void absentKeysTakeWhisperValues() throws Exception {
        assertWhisper(FeatureSettings.fromPreprocessorConfig(json("{}"), "cfg"), 80);
        assertWhisper(FeatureSettings.fromPreprocessorConfig(json("{\"feature_size\": 128}"), "cfg"), 128);
        // large-v3 writes the numbers as floats in places; whole floats are fine.
        assertWhisper(FeatureSettings.fromPreprocessorConfig(json("{\"chunk_length\": 30.0, \"n_fft\": 400.0}"),
                "cfg"), 80);
    }

    @Test
    void otherSettingsChangeTheShape() throws Exception {
        FeatureSettings s = FeatureSettings.fromPreprocessorConfig(
                json("{\"chunk_length\": 10, \"hop_length\": 200, \"n_fft\": 512, \"feature_size\": 40}"), "cfg");
        assertEquals(new FeatureSettings(16000, 512, 200, 40, 160000), s);
        LogMelSpectrogram features = LogMelSpectrogram.of(s);
        assertEquals(800, features.frames());
        float[] x = LogMelSpectrogramTest.chirp(16000 * 2);
        double[][] expected = ReferenceLogMel.logMel(x, ReferenceLogMel.filters(40, 512, 16000), 512, 200, 160000);
        LogMelSpectrogramTest.assertClose(expected, features.compute(x), 800, "n_fft 512, hop 200, 40 mels, 10 s");
    }

    @Test
    void usesMelFiltersFromTheConfigInEitherOrientation() throws Exception {
        // Filters that each pick one FFT bin (bins 10, 20, ..., 80 with weight 1): easy to check.
        int mels = 8;
        double[][] picks = new double[mels][201];
        for (int m = 0; m < mels; m++) {
            picks[m][10 * (m + 1)] = 1.0;
        }
        double[][] transposed = new double[201][mels];
        for (int m = 0; m < mels; m++) {
            transposed[10 * (m + 1)][m] = 1.0;
        }
        float[] x = LogMelSpectrogramTest.tonesAndNoise(16000 * 2, 5);
        double[][] expected = ReferenceLogMel.logMel(x, picks, 400, 160, 480000);
        for (double[][] matrix : new double[][][] {picks, transposed}) {
            ObjectNode config = (ObjectNode) json(TINY_EN);
            config.put("feature_size", mels);
            config.set("mel_filters", JSON.valueToTree(matrix));
            LogMelSpectrogram features = LogMelSpectrogram.fromPreprocessorConfig(config, "cfg");
            LogMelSpectrogramTest.assertClose(expected, features.compute(x), 3000,
                    "filters from the config, " + matrix.length + " rows");
        }
    }

    @Test
    void rejectsMelFiltersThatDoNotFitTheSettings() throws Exception {
        ObjectNode config = (ObjectNode) json(TINY_EN);
        config.set("mel_filters", JSON.valueToTree(new double[128][201]));
        GenloomException e = assertThrows(GenloomException.class,
                () -> LogMelSpectrogram.fromPreprocessorConfig(config, "whisper/preprocessor_config.json"));
        assertTrue(e.getMessage().contains("whisper/preprocessor_config.json") && e.getMessage().contains("128 × 201"),
                e.getMessage());
        ArrayNode strings = JSON.createArrayNode();
        strings.add(JSON.createArrayNode().add("x"));
        config.set("mel_filters", strings);
        assertThrows(GenloomException.class, () -> LogMelSpectrogram.fromPreprocessorConfig(config, "cfg"));
        config.put("mel_filters", "not an array");
        assertThrows(GenloomException.class, () -> LogMelSpectrogram.fromPreprocessorConfig(config, "cfg"));
    }

    @Test
    void rejectsNonsenseSettingsNamingTheKey() throws Exception {
        String[][] cases = {
            {"{\"n_fft\": 401}", "n_fft"},
            {"{\"n_fft\": 0}", "n_fft"},
            {"{\"n_fft\": 400.5}", "n_fft"},
            {"{\"n_fft\": \"400\"}", "n_fft"},
            {"{\"hop_length\": 0}", "hop_length"},
            {"{\"hop_length\": -160}", "hop_length"},
            {"{\"sampling_rate\": 0}", "sampling_rate"},
            {"{\"feature_size\": 0}", "feature_size"},
            {"{\"feature_size\": 202}", "feature_size"},
            {"{\"chunk_length\": 0}", "chunk_length"},
            {"{\"chunk_length\": 30, \"n_samples\": 160000}", "n_samples"},
            {"{\"nb_max_frames\": 1500}", "nb_max_frames"},
            {"{\"n_samples\": 100, \"chunk_length\": null}", "n_samples"},
            {"{\"sampling_rate\": 99999999, \"chunk_length\": 300}", "too large"},
            {"{\"feature_size\": 12345678901}", "feature_size"},
        };
        for (String[] c : cases) {
            GenloomException e = assertThrows(GenloomException.class,
                    () -> FeatureSettings.fromPreprocessorConfig(json(c[0]), "m/preprocessor_config.json"), c[0]);
            assertEquals(ErrorKind.INVALID_INPUT, e.kind(), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().startsWith("m/preprocessor_config.json"),
                    c[0] + " -> " + e.getMessage());
        }
        assertThrows(GenloomException.class, () -> FeatureSettings.fromPreprocessorConfig(json("[1]"), "cfg"));
    }

    @Test
    void refusesProcessingItDoesNotDo() throws Exception {
        for (String config : new String[] {"{\"padding_value\": -1.0}", "{\"padding_side\": \"left\"}",
                "{\"do_normalize\": true}"}) {
            GenloomException e = assertThrows(GenloomException.class,
                    () -> FeatureSettings.fromPreprocessorConfig(json(config), "cfg"), config);
            assertEquals(ErrorKind.UNSUPPORTED, e.kind(), config);
            assertTrue(e.hint() != null, config);
        }
        assertWhisper(FeatureSettings.fromPreprocessorConfig(json("{\"do_normalize\": false}"), "cfg"), 80);
    }
}
