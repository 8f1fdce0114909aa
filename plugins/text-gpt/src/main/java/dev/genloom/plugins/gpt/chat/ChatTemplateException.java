package dev.genloom.plugins.gpt.chat;

/**
 * An error while parsing or rendering a chat template. {@link #line()} and {@link #column()} are
 * 1-based positions in the template source, or 0 when unknown.
 */
public class ChatTemplateException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The template source is malformed (or names an unknown filter or test). */
        SYNTAX,
        /** Rendering failed (undefined function, type error, ...). */
        RENDER,
        /** The template itself called {@code raise_exception(message)}. */
        RAISED
    }

    private final Kind kind;
    private final int line;
    private final int column;
    private final String detail;

    public ChatTemplateException(Kind kind, String detail, int line, int column) {
        super(format(kind, detail, line, column));
        this.kind = kind;
        this.detail = detail;
        this.line = line;
        this.column = column;
    }

    private static String format(Kind kind, String detail, int line, int column) {
        String where = line > 0 ? " at line " + line + ", column " + column : "";
        return switch (kind) {
            case SYNTAX -> "chat template syntax error" + where + ": " + detail;
            case RENDER -> "chat template error" + where + ": " + detail;
            case RAISED -> "chat template raised an exception" + where + ": " + detail;
        };
    }

    public Kind kind() {
        return kind;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position prefix (for {@link Kind#RAISED}: the template's own message). */
    public String detail() {
        return detail;
    }
}
