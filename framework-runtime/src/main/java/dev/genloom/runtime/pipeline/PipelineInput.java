package dev.genloom.runtime.pipeline;

import dev.genloom.api.task.ValueType;

import java.util.Objects;
import java.util.Optional;

/**
 * An input of a pipeline.
 *
 * @param name         its name, as steps and outputs refer to it
 * @param type         the type of its values
 * @param defaultValue the value used when a run does not give one; null where the input is required
 * @param description  what it is for, or null
 */
public record PipelineInput(String name, ValueType type, Object defaultValue, String description) {
    public PipelineInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (defaultValue != null && !type.accepts(defaultValue)) {
            throw new IllegalArgumentException("default of input " + name + " is not " + type);
        }
    }

    /** Whether a run must give this input (it has no default). */
    public boolean required() {
        return defaultValue == null;
    }

    public Optional<Object> defaultValueIfAny() {
        return Optional.ofNullable(defaultValue);
    }
}
