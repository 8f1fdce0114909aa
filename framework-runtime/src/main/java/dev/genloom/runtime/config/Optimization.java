package dev.genloom.runtime.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** ONNX Runtime's graph optimisation level, as named in configuration. */
public enum Optimization {
    /** No graph optimisation. */
    DISABLE("disable"),
    /** Semantics-preserving rewrites (constant folding, redundant node removal). */
    BASIC("basic"),
    /** Basic plus node fusions. */
    EXTENDED("extended"),
    /** Everything, including layout optimisations. */
    ALL("all");

    private final String id;

    Optimization(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<Optimization> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(o -> o.id.equals(s)).findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Optimization::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
