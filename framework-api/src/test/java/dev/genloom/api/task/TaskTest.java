package dev.genloom.api.task;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;
import dev.genloom.api.media.Audio;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskTest {

    /** A text model that echoes the prompt upper-cased, one character per token. */
    static class ShoutingModel implements TextToText {
        TextOptions lastOptions;

        @Override
        public Generation generate(String prompt, TextOptions options, TokenListener listener) {
            lastOptions = options;
            int max = options.maxNewTokens() == null ? Integer.MAX_VALUE : options.maxNewTokens();
            String out = prompt.toUpperCase();
            out = out.substring(0, Math.min(max, out.length()));
            long[] ids = new long[out.length()];
            for (int i = 0; i < out.length(); i++) {
                ids[i] = out.charAt(i);
                listener.onText(String.valueOf(out.charAt(i)));
            }
            return new Generation(out, ids, prompt.length(),
                    out.length() == max ? Generation.FinishReason.LENGTH : Generation.FinishReason.EOS, 0, 0);
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("shout", "fake-gpt", "test", Path.of("/models/shout"), "cpu");
        }

        @Override
        public void close() {
        }
    }

    /** A model that only embeds texts. */
    static final class EmbedOnly implements TextEmbedder {
        @Override
        public dev.genloom.api.Embedding embedText(String text, dev.genloom.api.EmbeddingOptions options) {
            return new dev.genloom.api.Embedding(new float[] {text.length()});
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("embed", "fake-bert", "test", Path.of("/models/embed"), "cpu");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void runsATextModelEndToEnd() {
        ShoutingModel model = new ShoutingModel();
        Task<TextToText, TextOptions> task = Tasks.TEXT_TO_TEXT;
        TextOptions options = task.options(Map.of("max-new-tokens", "5"));
        List<long[]> progress = new ArrayList<>();
        Map<String, Object> out = task.run(model, Map.of("prompt", "hello world"), options,
                (done, total) -> progress.add(new long[] {done, total}));
        assertEquals("HELLO", out.get("text"));
        assertEquals(5, model.lastOptions.maxNewTokens());
        assertEquals(5, progress.size());
        assertEquals(5, progress.get(4)[0]);
        assertEquals(5, progress.get(4)[1]);

        // Null options and progress mean the defaults and no progress.
        out = task.run(model, Map.of("prompt", "abc"), null, null);
        assertEquals("ABC", out.get("text"));
        assertSame(TextOptions.defaults(), model.lastOptions);
    }

    @Test
    void refusesAModelWithoutTheModality() {
        GenloomException e = assertThrows(GenloomException.class,
                () -> Tasks.TEXT_TO_TEXT.run(new EmbedOnly(), Map.of("prompt", "hi"), null, null));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("'embed' (fake-bert) does not do text-to-text"), e.getMessage());
        assertTrue(e.hint().contains("text-to-text"), e.hint());

        assertTrue(Tasks.TEXT_EMBEDDING.isOfferedBy(EmbedOnly.class));
        assertFalse(Tasks.SPEECH_TO_TEXT.isOfferedBy(EmbedOnly.class));
        assertEquals(List.of(Tasks.TEXT_EMBEDDING), Tasks.offeredBy(EmbedOnly.class));
        assertEquals(List.of(Tasks.TEXT_TO_TEXT), Tasks.offeredBy(ShoutingModel.class));
    }

    @Test
    void refusesInputsOfTheWrongTypeOrMissing() {
        ShoutingModel model = new ShoutingModel();
        Audio audio = Audio.mono(new float[10], 16000);
        GenloomException e = assertThrows(GenloomException.class,
                () -> Tasks.TEXT_TO_TEXT.run(model, Map.of("prompt", audio), null, null));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("input 'prompt' must be text, got Audio"), e.getMessage());

        e = assertThrows(GenloomException.class,
                () -> Tasks.TEXT_TO_TEXT.run(model, Map.of("text", "hi"), null, null));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("needs its input 'prompt' (text)"), e.getMessage());
    }

    @Test
    void modelFailuresBecomeRunFailedAndBadOutputsPluginFailures() {
        TextToText broken = new ShoutingModel() {
            @Override
            public Generation generate(String prompt, TextOptions options, TokenListener listener) {
                throw new IllegalStateException("tensor 'logits' has shape [1, 0]");
            }
        };
        GenloomException e = assertThrows(GenloomException.class,
                () -> Tasks.TEXT_TO_TEXT.run(broken, Map.of("prompt", "x"), null, null));
        assertEquals(ErrorKind.RUN_FAILED, e.kind());
        assertTrue(e.getMessage().contains("text-to-text on model 'shout'") && e.getMessage().contains("logits"),
                e.getMessage());

        Task<TextToText, TextOptions> lying = new Task<>("lying", "gives a number", TextToText.class,
                TextOptions.class, TextOptions.defaults(),
                List.of(new Port("prompt", ValueType.TEXT, "")), List.of(new Port("text", ValueType.TEXT, "")),
                (m, in, o, p) -> Map.of("text", 42));
        e = assertThrows(GenloomException.class,
                () -> lying.run(new ShoutingModel(), Map.of("prompt", "x"), null, null));
        assertEquals(ErrorKind.PLUGIN_FAILURE, e.kind());
        assertTrue(e.getMessage().contains("gave a Integer for output 'text', which must be text"), e.getMessage());
    }

    @Test
    void callPassesTheModelsFailureOnAsItIsForTheCallerToWrapOnce() {
        IllegalStateException thrown = new IllegalStateException("tensor 'logits' has shape [1, 0]");
        TextToText broken = new ShoutingModel() {
            @Override
            public Generation generate(String prompt, TextOptions options, TokenListener listener) {
                throw thrown;
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tasks.TEXT_TO_TEXT.call(broken, Map.of("prompt", "x"), null, null));
        assertSame(thrown, e);
        // run wraps it once, naming the task and the model, with the model's failure as the cause
        TaskFailedException wrapped = assertThrows(TaskFailedException.class,
                () -> Tasks.TEXT_TO_TEXT.run(broken, Map.of("prompt", "x"), null, null));
        assertSame(thrown, wrapped.getCause());
        assertEquals("text-to-text", wrapped.task());
        // call still refuses a model without the modality
        assertEquals(ErrorKind.UNSUPPORTED, assertThrows(GenloomException.class,
                () -> Tasks.TEXT_TO_TEXT.call(new EmbedOnly(), Map.of("prompt", "x"), null, null)).kind());
    }

    @Test
    void tasksAreFoundByName() {
        assertEquals(List.of("text-to-text", "text-to-image", "image-to-image", "speech-to-text", "image-to-text", "text-to-audio",
                "text-embedding", "image-embedding"), Tasks.names());
        assertSame(Tasks.SPEECH_TO_TEXT, Tasks.byName("speech-to-text").orElseThrow());
        assertTrue(Tasks.byName("speech2text").isEmpty());
        assertEquals(SpeechToText.class, Tasks.SPEECH_TO_TEXT.modality());
        assertEquals(ValueType.AUDIO, Tasks.SPEECH_TO_TEXT.primaryInput().type());
        assertEquals("text", Tasks.SPEECH_TO_TEXT.primaryOutput().name());
        assertTrue(Tasks.SPEECH_TO_TEXT.output("transcript").isPresent());
        assertEquals(ValueType.TRANSCRIPT, ValueType.byName("transcript").orElseThrow());
        assertTrue(Tasks.TEXT_TO_TEXT.optionNames().contains("topP"));
    }
}
