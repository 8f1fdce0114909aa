package dev.genloom.plugins.echo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToText;
import dev.genloom.api.Model;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.TextToImage;
import dev.genloom.api.TextToText;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import org.pf4j.Extension;

import java.util.Optional;
import java.util.Set;

/**
 * The reference family: folders whose {@code config.json} says {@code "model_type": "genloom-echo"}
 * and that hold {@code onnx/model*.onnx} with input {@code x} and output {@code y} (float vectors).
 *
 * <p>An example to copy: this class says which folders the family recognises and loads one;
 * {@link EchoSession} owns the ONNX Runtime session and what every modality shares; each modality
 * is one small class ({@link EchoTextToText}, {@link EchoSpeechToText}, ...); {@link EchoModel}
 * puts them together as the one model the host gets.
 */
@Extension
public final class EchoFamily implements ModelFamily {
    static final String MODEL_TYPE = "genloom-echo";

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "reference models: every modality over a one-node ONNX model (tests and demos)";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(TextToText.class, TextToImage.class, ImageToImage.class, SpeechToText.class, ImageToText.class, TextToAudio.class,
                TextEmbedder.class, ImageEmbedder.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        JsonNode type = folder.config().path("model_type");
        boolean hasOnnx = folder.files().stream().anyMatch(f -> f.startsWith("onnx/model") && f.endsWith(".onnx"));
        if (MODEL_TYPE.equals(type.asText()) && hasOnnx) {
            return Optional.of("config.json model_type " + MODEL_TYPE + ", onnx/model*.onnx");
        }
        return Optional.empty();
    }

    /** One session over the folder's ONNX file, and one model offering every modality on it. */
    @Override
    public Model load(ModelContext context) {
        return new EchoModel(EchoSession.open(context));
    }
}
