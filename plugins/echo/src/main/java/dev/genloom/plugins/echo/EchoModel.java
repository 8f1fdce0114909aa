package dev.genloom.plugins.echo;

import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.Generation;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.SegmentListener;
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

import java.util.List;

/**
 * One echo model folder as the host sees it: one model that offers every modality, each call
 * handed to the small class of its modality ({@link EchoTextToText}, {@link EchoTextToImage},
 * {@link EchoImageToImage},
 * {@link EchoSpeechToText}, {@link EchoImageToText}, {@link EchoTextToAudio},
 * {@link EchoTextEmbedder}, {@link EchoImageEmbedder}), all on one {@link EchoSession}. The host
 * asks a loaded model for a modality by its interface ({@code genloom.model(name, TextToText.class)}),
 * so a family whose folders offer several returns one object that implements them all.
 */
final class EchoModel extends EchoPart implements TextToText, TextToImage, ImageToImage, SpeechToText, ImageToText, TextToAudio,
        TextEmbedder, ImageEmbedder {

    private final TextToText textToText;
    private final TextToImage textToImage;
    private final SpeechToText speechToText;
    private final ImageToText imageToText;
    private final ImageToImage imageToImage;
    private final TextToAudio textToAudio;
    private final TextEmbedder textEmbedder;
    private final ImageEmbedder imageEmbedder;

    /** The model of every modality on one session, which {@link #close()} closes. */
    EchoModel(EchoSession session) {
        super(session);
        this.textToText = new EchoTextToText(session);
        this.textToImage = new EchoTextToImage(session);
        this.speechToText = new EchoSpeechToText(session);
        this.imageToText = new EchoImageToText(session);
        this.imageToImage = new EchoImageToImage(session);
        this.textToAudio = new EchoTextToAudio(session);
        this.textEmbedder = new EchoTextEmbedder(session);
        this.imageEmbedder = new EchoImageEmbedder(session);
    }

    @Override
    public Generation generate(String prompt, TextOptions options, TokenListener listener) {
        return textToText.generate(prompt, options, listener);
    }

    @Override
    public List<Image> generateImages(String prompt, ImageOptions options, StepListener listener) {
        return textToImage.generateImages(prompt, options, listener);
    }

    @Override
    public Image transformImage(Image image, ImageToImageOptions options, StepListener listener) {
        return imageToImage.transformImage(image, options, listener);
    }

    @Override
    public Transcript transcribe(Audio audio, TranscriptionOptions options, SegmentListener listener) {
        return speechToText.transcribe(audio, options, listener);
    }

    @Override
    public ImageText describe(Image image, ImageToTextOptions options) {
        return imageToText.describe(image, options);
    }

    @Override
    public Audio synthesize(String text, SpeechOptions options) {
        return textToAudio.synthesize(text, options);
    }

    @Override
    public Embedding embedText(String text, EmbeddingOptions options) {
        return textEmbedder.embedText(text, options);
    }

    @Override
    public Embedding embedImage(Image image, EmbeddingOptions options) {
        return imageEmbedder.embedImage(image, options);
    }
}
