package dev.genloom.spi;

import dev.genloom.api.ModelInfo;

import java.util.Map;

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
}
