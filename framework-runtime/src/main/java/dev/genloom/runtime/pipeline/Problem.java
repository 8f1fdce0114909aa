package dev.genloom.runtime.pipeline;

import java.util.Objects;

/**
 * One thing wrong with a pipeline document, and where: the file, and the 1-based line and column
 * of the offending key or value.
 */
public record Problem(String file, int line, int column, String message) {
    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** {@code file:line:column: message}, the form compilers use and editors understand. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
