package dev.genloom.api;

import java.util.Objects;

/**
 * The one exception type of Genloom. Its message says what was wrong and where (file, step,
 * model, tensor); {@link #hint()} says what to do about it, where there is something to do.
 */
public class GenloomException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String hint;

    /** An error of this kind; the message says what was wrong and where. */
    public GenloomException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    /** An error of this kind, with what to do about it (blank or null: nothing). */
    public GenloomException(ErrorKind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    /** An error of this kind, with what to do about it and what caused it (either may be null). */
    public GenloomException(ErrorKind kind, String message, String hint, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.hint = hint == null || hint.isBlank() ? null : hint;
    }

    /** What kind of thing went wrong. */
    public ErrorKind kind() {
        return kind;
    }

    /** What the caller can do about it, or null. */
    public String hint() {
        return hint;
    }

    /** The message followed by the hint, as one line for a user. */
    public String describe() {
        return hint == null ? getMessage() : getMessage() + " (" + hint + ")";
    }

    /** An {@link ErrorKind#INVALID_INPUT} error. */
    public static GenloomException invalidInput(String message) {
        return new GenloomException(ErrorKind.INVALID_INPUT, message);
    }

    /** An {@link ErrorKind#INVALID_INPUT} error with what to do about it. */
    public static GenloomException invalidInput(String message, String hint) {
        return new GenloomException(ErrorKind.INVALID_INPUT, message, hint);
    }

    /** An {@link ErrorKind#UNSUPPORTED} error with what to do about it. */
    public static GenloomException unsupported(String message, String hint) {
        return new GenloomException(ErrorKind.UNSUPPORTED, message, hint);
    }

    /** A {@link ErrorKind#RUN_FAILED} error and its cause (may be null). */
    public static GenloomException runFailed(String message, Throwable cause) {
        return new GenloomException(ErrorKind.RUN_FAILED, message, null, cause);
    }

    /** Checks an argument; throws {@link ErrorKind#INVALID_INPUT} with the message when false. */
    public static void require(boolean condition, String message) {
        if (!condition) {
            throw invalidInput(message);
        }
    }
}
