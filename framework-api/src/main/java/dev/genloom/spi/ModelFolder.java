package dev.genloom.spi;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A model folder as the host found it: its files and its parsed configuration. */
public interface ModelFolder {

    /** The folder. */
    Path path();

    /** Whether a file exists, by its path relative to the folder ({@code onnx/model.onnx}). */
    boolean has(String relativePath);

    /** A path inside the folder. */
    Path resolve(String relativePath);

    /** Every file in the folder and its sub-folders, relative, '/'-separated, sorted. */
    List<String> files();

    /** {@code config.json}, or an empty object where there is none. */
    JsonNode config();

    /** Any JSON file of the folder, parsed ({@code generation_config.json}, ...), or empty. */
    Optional<JsonNode> json(String relativePath);

    /**
     * The overrides in {@code genloom-model.yaml}, or an empty object where there is none:
     * {@code family} (which family loads it), {@code name}, and {@code options} (passed to the
     * family in {@link ModelContext#options()}).
     */
    JsonNode manifest();
}
