package dev.genloom.spi;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Opens ONNX Runtime sessions set up by the host: the device (CPU or CUDA), threads, graph
 * optimisation, and external data beside the model. Plugins never build their own environment.
 */
public interface SessionFactory {

    /** The host's one environment, for creating tensors. */
    OrtEnvironment environment();

    /** Where sessions run: {@code cpu} or {@code cuda:N}. */
    String device();

    /**
     * Opens a session for an ONNX file (external {@code .onnx_data} beside it is found by its
     * path). Failure is a {@link dev.genloom.api.GenloomException} naming the file.
     */
    OrtSession open(Path onnxFile);

    /**
     * Picks among the dtype variants of one model file in a directory: for the stem
     * {@code decoder_model_merged}, files such as {@code decoder_model_merged.onnx} (fp32),
     * {@code decoder_model_merged_fp16.onnx}, {@code decoder_model_merged_quantized.onnx} (the
     * suffixes of {@link Dtype}). The configured preferred dtype wins where present, else fp32, else
     * the first other variant in {@link Dtype}'s order.
     */
    Optional<Path> variant(Path directory, String stem);

    /** The dtypes in the order the host prefers them, by {@link Dtype#id()} ({@code fp32}, {@code fp16}, ...). */
    List<String> dtypePreference();
}
