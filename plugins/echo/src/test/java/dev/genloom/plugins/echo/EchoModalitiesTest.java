package dev.genloom.plugins.echo;

import dev.genloom.zoo.testkit.EchoExport;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.Model;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.TextToImage;
import dev.genloom.api.TextToText;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.TokenizerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.genloom.zoo.testkit.EchoExport.MODEL_TYPE;
import static dev.genloom.zoo.testkit.EchoExport.QUANTIZED_FACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The echo plugin's modalities, each on its own and together as the one model the host loads. */
class EchoModalitiesTest {

    @TempDir
    Path tmp;

    /** A context over the test kit's echo folder, opening {@code onnx/<variant>.onnx} on the CPU. */
    private ModelContext context(String variant, Map<String, Object> options) {
        // the test kit's echo folder
        Path folder = EchoExport.write(tmp.resolve("echo-tiny"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionFactory sessions = new SessionFactory() {
            @Override
            public OrtEnvironment environment() {
                return env;
            }

            @Override
            public String device() {
                return "cpu";
            }

            @Override
            public OrtSession open(Path onnxFile) {
                try {
                    return env.createSession(onnxFile.toString(), new OrtSession.SessionOptions());
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Optional<Path> variant(Path directory, String stem) {
                Path file = directory.resolve(variant + ".onnx");
                return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
            }

            @Override
            public List<String> dtypePreference() {
                return List.of("fp32");
            }
        };
        ModelFolder modelFolder = new ModelFolder() {
            @Override
            public Path path() {
                return folder;
            }

            @Override
            public boolean has(String relativePath) {
                return Files.exists(resolve(relativePath));
            }

            @Override
            public Path resolve(String relativePath) {
                return folder.resolve(relativePath);
            }

            @Override
            public List<String> files() {
                return List.of("config.json", "onnx/model.onnx", "onnx/model_quantized.onnx");
            }

            @Override
            public JsonNode config() {
                return JsonNodeFactory.instance.objectNode().put("model_type", MODEL_TYPE);
            }

            @Override
            public Optional<JsonNode> json(String relativePath) {
                return Optional.empty();
            }

            @Override
            public JsonNode manifest() {
                return JsonNodeFactory.instance.objectNode();
            }
        };
        ModelInfo info = new ModelInfo("echo-tiny", "echo", "echo", folder, "cpu");
        return new ModelContext() {
            @Override
            public ModelFolder folder() {
                return modelFolder;
            }

            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public SessionFactory sessions() {
                return sessions;
            }

            @Override
            public TokenizerFactory tokenizers() {
                throw new UnsupportedOperationException("the echo family reads no tokenizer");
            }

            @Override
            public Map<String, Object> options() {
                return options;
            }
        };
    }

    @Test
    void theFamilyLoadsOneModelOfferingEveryModalityItDeclares() throws Exception {
        EchoFamily family = new EchoFamily();
        ModelContext context = context("model", Map.of());
        assertTrue(family.recognize(context.folder()).isPresent());
        try (Model model = family.load(context)) {
            for (Class<? extends Model> modality : family.modalities()) {
                assertTrue(modality.isInstance(model), "offers " + modality.getSimpleName());
            }
            assertEquals(8, family.modalities().size());
            assertEquals("echo-tiny", model.info().name());

            assertEquals("the quick brown", ((TextToText) model).generate("the quick brown fox",
                    TextOptions.builder().maxNewTokens(3).build()).text());
            Audio speech = ((TextToAudio) model).synthesize("hello there");
            assertEquals("hello there", ((SpeechToText) model).transcribe(speech).text());
            Image field = ((TextToImage) model).generateImage("a green field", ImageOptions.builder().size(16, 16).build());
            assertEquals("a green meadow", ((ImageToText) model).describe(field,
                    ImageToTextOptions.builder().labels("a red barn", "a green meadow").build()).text());
            Image mirrored = ((ImageToImage) model).transformImage(field);
            for (int x = 0; x < 16; x++) {
                assertEquals(field.rgbAt(15 - x, 3), mirrored.rgbAt(x, 3), "column " + x + " mirrored");
            }
            Embedding a = ((TextEmbedder) model).embedText("a red fox");
            assertEquals(1.0, a.norm(), 1e-6);
            assertEquals(24, ((ImageEmbedder) model).embedImage(field, EmbeddingOptions.defaults()).dimension());
        }
    }

    @Test
    void eachModalityIsAWholeModelOnItsOwn() {
        EchoSession session = EchoSession.open(context("model", Map.of()));
        EchoSpeechToText listener = new EchoSpeechToText(session);
        EchoTextToAudio speaker = new EchoTextToAudio(session);
        Audio audio = speaker.synthesize("two words");
        assertEquals(List.of("two", "words"), listener.transcribe(audio, TranscriptionOptions.defaults().withTimestamps(true))
                .segments().stream().map(s -> s.text()).toList());
        Model part = speaker;
        assertTrue(part instanceof TextToAudio && !(part instanceof SpeechToText), "one modality each");
        // a part closes the session it runs on
        speaker.close();
        assertThrows(RuntimeException.class, () -> speaker.synthesize("after close"));
    }

    @Test
    void anotherVariantGivesTheSameResultsThroughItsOwnScale() {
        EchoSession quantized = EchoSession.open(context("model_quantized", Map.of()));
        try (EchoTextToText text = new EchoTextToText(quantized)) {
            assertEquals(QUANTIZED_FACTOR, quantized.scale());
            assertEquals("hello world", text.generate("hello world").text());
        }
    }

    @Test
    void loadOptionsMakeEveryModalityFailOnAWord() {
        try (Model model = new EchoModel(EchoSession.open(context("model",
                Map.of("failOn", "boom"))))) {
            GenloomException e = assertThrows(GenloomException.class, () -> ((TextToText) model).generate("say boom"));
            assertTrue(e.getMessage().contains("told to fail on 'boom'"), e.getMessage());
            assertThrows(GenloomException.class, () -> ((TextEmbedder) model).embedText("boom"));
            assertEquals("fine", ((TextToText) model).generate("fine").text());
        }
    }
}
