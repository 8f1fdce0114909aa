package dev.genloom.api.task;

import dev.genloom.api.Embedding;
import dev.genloom.api.Labels;
import dev.genloom.api.Transcript;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;

import java.util.List;
import java.util.Optional;

/**
 * The type of a value that flows between pipeline steps. Pipelines check these before any model
 * loads, so audio never reaches a text input.
 *
 * @param name     the name used in pipeline documents ({@code text}, {@code audio}, ...)
 * @param javaType the Java class of the values
 */
public record ValueType(String name, Class<?> javaType) {
    /** Text: a {@link String}. */
    public static final ValueType TEXT = new ValueType("text", String.class);
    /** An {@link Image}. */
    public static final ValueType IMAGE = new ValueType("image", Image.class);
    /** {@link Audio}. */
    public static final ValueType AUDIO = new ValueType("audio", Audio.class);
    /** A {@link Transcript}: text, language and timed segments. */
    public static final ValueType TRANSCRIPT = new ValueType("transcript", Transcript.class);
    /** {@link Labels}: scored labels, best first. */
    public static final ValueType LABELS = new ValueType("labels", Labels.class);
    /** An {@link Embedding}. */
    public static final ValueType EMBEDDING = new ValueType("embedding", Embedding.class);

    private static final List<ValueType> ALL = List.of(TEXT, IMAGE, AUDIO, TRANSCRIPT, LABELS, EMBEDDING);

    /** Every value type. */
    public static List<ValueType> all() {
        return ALL;
    }

    /** The value type of this name in pipeline documents, if there is one. */
    public static Optional<ValueType> byName(String name) {
        return ALL.stream().filter(t -> t.name.equals(name)).findFirst();
    }

    /** Whether a value is of this type. */
    public boolean accepts(Object value) {
        return javaType.isInstance(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
