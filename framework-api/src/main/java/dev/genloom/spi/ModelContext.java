package dev.genloom.spi;

import dev.genloom.api.ModelInfo;

import java.util.List;
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
     * A load option as a typed value, read from what YAML and callers give ({@code false} and
     * {@code "false"}, {@code 4} and {@code "4"}); {@link LoadOptions} lists the forms each type
     * accepts.
     *
     * <pre>{@code
     * boolean cache = context.option("cache", Boolean.class, true);
     * int beams = context.option("beams", Integer.class, 1);
     * Decoder decoder = context.option("decoder", Decoder.class, Decoder.AUTO); // an enum of the family's
     * Optional<String> file = context.option("file", String.class);
     * }</pre>
     *
     * @param key  the option's key
     * @param type {@code Boolean}, {@code Integer}, {@code Long}, {@code Double}, {@code String} or an enum
     * @return the value, or empty where the option is not given
     * @throws dev.genloom.api.GenloomException {@code INVALID_INPUT} naming the option, the model,
     *                                          the value and the form it must have
     */
    default <T> Optional<T> option(String key, Class<T> type) {
        return LoadOptions.get(options(), key, type, modelName(this));
    }

    /**
     * A load option as a typed value, or {@code otherwise} where it is not given; see
     * {@link #option(String, Class)}.
     */
    default <T> T option(String key, Class<T> type, T otherwise) {
        return option(key, type).orElse(otherwise);
    }

    /**
     * A load option as a list of text: a YAML list, or one text of comma-separated items
     * ({@code "en, de"}); empty where it is not given.
     *
     * @throws dev.genloom.api.GenloomException {@code INVALID_INPUT} for a mapping or nested lists
     */
    default List<String> listOption(String key) {
        return LoadOptions.strings(options(), key, modelName(this));
    }

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

    /** The model's name for messages: its {@link #info()} name, else its folder. */
    private static String modelName(ModelContext context) {
        ModelInfo info = context.info();
        if (info != null && info.name() != null) {
            return info.name();
        }
        ModelFolder folder = context.folder();
        return folder == null ? "?" : folder.path().toString();
    }
}
