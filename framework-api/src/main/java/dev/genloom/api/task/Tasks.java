package dev.genloom.api.task;

import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.Generation;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.SpeechOptions;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.TextToImage;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tasks Genloom knows: one per modality, and the embedding capabilities. */
public final class Tasks {
    private Tasks() {
    }

    /** Continues a prompt: {@code prompt} text in, {@code text} out. */
    public static final Task<TextToText, TextOptions> TEXT_TO_TEXT = new Task<>(
            "text-to-text", "continue a prompt with a language model",
            TextToText.class, TextOptions.class, TextOptions.defaults(),
            List.of(new Port("prompt", ValueType.TEXT, "the text to continue")),
            List.of(new Port("text", ValueType.TEXT, "the generated text")),
            (model, in, options, progress) -> {
                int[] count = {0};
                Integer max = options.maxNewTokens();
                Generation g = model.generate((String) in.get("prompt"), options,
                        max == null ? TokenListener.NONE : piece -> progress.update(++count[0], max));
                return Map.of("text", g.text());
            });

    /** Draws a prompt: {@code prompt} text in, {@code image} out. */
    public static final Task<TextToImage, ImageOptions> TEXT_TO_IMAGE = new Task<>(
            "text-to-image", "draw a picture of a prompt",
            TextToImage.class, ImageOptions.class, ImageOptions.defaults(),
            List.of(new Port("prompt", ValueType.TEXT, "what to draw")),
            List.of(new Port("image", ValueType.IMAGE, "the picture")),
            (model, in, options, progress) -> {
                Image image = model.generateImage((String) in.get("prompt"), options, StepListener.counting(progress::update));
                return Map.of("image", image);
            });

    /**
     * Turns a picture into another (redraws it after a prompt, inpaints inside a mask, upscales
     * it, or gives a codec's round trip): {@code image} in, {@code image} out.
     */
    public static final Task<ImageToImage, ImageToImageOptions> IMAGE_TO_IMAGE = new Task<>(
            "image-to-image", "redraw, inpaint or upscale a picture",
            ImageToImage.class, ImageToImageOptions.class, ImageToImageOptions.defaults(),
            List.of(new Port("image", ValueType.IMAGE, "the picture")),
            List.of(new Port("image", ValueType.IMAGE, "the new picture")),
            (model, in, options, progress) -> Map.of("image",
                    model.transformImage((Image) in.get("image"), options, StepListener.counting(progress::update))));

    /** Transcribes speech: {@code audio} in, {@code text} and {@code transcript} out. */
    public static final Task<SpeechToText, TranscriptionOptions> SPEECH_TO_TEXT = new Task<>(
            "speech-to-text", "transcribe speech",
            SpeechToText.class, TranscriptionOptions.class, TranscriptionOptions.defaults(),
            List.of(new Port("audio", ValueType.AUDIO, "the speech")),
            List.of(new Port("text", ValueType.TEXT, "the transcript's text"),
                    new Port("transcript", ValueType.TRANSCRIPT, "text, language and timed segments")),
            (model, in, options, progress) -> {
                Audio audio = (Audio) in.get("audio");
                long total = Math.round(audio.durationSeconds() * 1000);
                Transcript t = model.transcribe(audio, options,
                        segment -> progress.update(Math.min(total, Math.round(segment.end() * 1000)), total));
                return Map.of("text", t.text(), "transcript", t);
            });

    /** Captions, reads or classifies an image: {@code image} in, {@code text} and {@code labels} out. */
    public static final Task<ImageToText, ImageToTextOptions> IMAGE_TO_TEXT = new Task<>(
            "image-to-text", "caption or read an image, or score candidate labels against it",
            ImageToText.class, ImageToTextOptions.class, ImageToTextOptions.defaults(),
            List.of(new Port("image", ValueType.IMAGE, "the picture")),
            List.of(new Port("text", ValueType.TEXT, "the caption, the text read, or the best label"),
                    new Port("labels", ValueType.LABELS, "the candidate labels with scores, best first")),
            (model, in, options, progress) -> {
                ImageText t = model.describe((Image) in.get("image"), options);
                return Map.of("text", t.text(), "labels", t.labels());
            });

    /** Speaks a text: {@code text} in, {@code audio} out. */
    public static final Task<TextToAudio, SpeechOptions> TEXT_TO_AUDIO = new Task<>(
            "text-to-audio", "speak a text",
            TextToAudio.class, SpeechOptions.class, SpeechOptions.defaults(),
            List.of(new Port("text", ValueType.TEXT, "what to say")),
            List.of(new Port("audio", ValueType.AUDIO, "the speech")),
            (model, in, options, progress) -> Map.of("audio", model.synthesize((String) in.get("text"), options)));

    /** Embeds a text: {@code text} in, {@code embedding} out. */
    public static final Task<TextEmbedder, EmbeddingOptions> TEXT_EMBEDDING = new Task<>(
            "text-embedding", "a vector for a text",
            TextEmbedder.class, EmbeddingOptions.class, EmbeddingOptions.defaults(),
            List.of(new Port("text", ValueType.TEXT, "the text")),
            List.of(new Port("embedding", ValueType.EMBEDDING, "its vector")),
            (model, in, options, progress) -> Map.of("embedding", model.embedText((String) in.get("text"), options)));

    /** Embeds an image: {@code image} in, {@code embedding} out. */
    public static final Task<ImageEmbedder, EmbeddingOptions> IMAGE_EMBEDDING = new Task<>(
            "image-embedding", "a vector for an image",
            ImageEmbedder.class, EmbeddingOptions.class, EmbeddingOptions.defaults(),
            List.of(new Port("image", ValueType.IMAGE, "the picture")),
            List.of(new Port("embedding", ValueType.EMBEDDING, "its vector")),
            (model, in, options, progress) -> Map.of("embedding", model.embedImage((Image) in.get("image"), options)));

    private static final List<Task<?, ?>> ALL = List.of(TEXT_TO_TEXT, TEXT_TO_IMAGE, IMAGE_TO_IMAGE, SPEECH_TO_TEXT, IMAGE_TO_TEXT,
            TEXT_TO_AUDIO, TEXT_EMBEDDING, IMAGE_EMBEDDING);

    /** Every task, in a fixed order. */
    public static List<Task<?, ?>> all() {
        return ALL;
    }

    /** The names of every task, in the same order. */
    public static List<String> names() {
        return ALL.stream().map(Task::name).toList();
    }

    /** The task of this name, if there is one. */
    public static Optional<Task<?, ?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The tasks that models of this class offer. */
    public static List<Task<?, ?>> offeredBy(Class<?> modelClass) {
        List<Task<?, ?>> out = new ArrayList<>();
        for (Task<?, ?> t : ALL) {
            if (t.isOfferedBy(modelClass)) {
                out.add(t);
            }
        }
        return out;
    }
}
