package dev.genloom.api;

/**
 * A loaded model. Each modality interface extends this one; a model implements those it offers.
 * Every model is safe to call from several threads at once, and {@link #close()} releases its
 * native memory (ONNX Runtime sessions, tokenizers).
 */
public interface Model extends AutoCloseable {

    /** What this model is: its name, family, plugin, folder and device. */
    ModelInfo info();

    @Override
    void close();
}
