package dev.genloom.plugins.gpt.chat;

/** A lexer token; {@code pos} is an offset into the source. */
record Token(Type type, String value, int pos) {

    enum Type {
        TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF
    }

    boolean is(Type t, String v) {
        return type == t && value.equals(v);
    }

    boolean isOp(String v) {
        return type == Type.OP && value.equals(v);
    }

    boolean isName(String v) {
        return type == Type.NAME && value.equals(v);
    }

    @Override
    public String toString() {
        return switch (type) {
            case EOF -> "end of template";
            case VAR_END -> "'}}'";
            case BLOCK_END -> "'%}'";
            case STRING -> "string literal";
            case TEXT -> "template text";
            default -> "'" + value + "'";
        };
    }
}
