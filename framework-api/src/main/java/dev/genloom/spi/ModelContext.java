package dev.genloom.spi;

import dev.genloom.api.ModelInfo;

import java.util.Map;
import java.util.Optional;

/** What the host hands a family to load one model. */
public interface ModelContext {

    /** The folder to load. */
    ModelFolder folder();

    /** The description the loaded model returns from {@code info()}. */
    ModelInfo info();

    /** Opens ONNX Runtime sessions on the chosen device. */
    SessionFactory sessions();

    /** Loads Hugging Face tokenizers. */
    TokenizerFactory tokenizers();

    /**
     * Options for loading: those of the folder's {@code genloom-model.yaml}, overridden by the
     * caller's. Keys are the family's own.
     */
    Map<String, Object> options();

    /**
     * Another model this one works with, by name: the Silero VAD model a speech recogniser uses to
     * skip silence, say. Found the way the host finds a model named by the caller: in the model
     * directories in their order (configuration, {@code GENLOOM_MODELS}), then in the fetch cache,
     * catalog names included ({@code org/name} and {@code org--name} alike). The folder need not
     * hold {@code config.json}: a folder with nothing but an {@code .onnx} file is found too, and
     * the caller checks its files. Unlike a model named by the caller, a companion is never looked
     * for in the working directory, and paths are not accepted.
     *
     * <p>The default finds nothing; the host's context implements it.
     *
     * @param name a model name ({@code silero-vad})
     * @return the folder, or empty where no model directory holds one of that name
     * @throws dev.genloom.api.GenloomException {@code INVALID_INPUT} where {@code name} is blank, a
     *                                          path, or leaves the model directory ({@code ../x})
     */
    default Optional<ModelFolder> companion(String name) {
        return Optional.empty();
    }
}
