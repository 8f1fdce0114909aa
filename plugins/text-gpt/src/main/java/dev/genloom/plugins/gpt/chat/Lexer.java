package dev.genloom.plugins.gpt.chat;

import dev.genloom.plugins.gpt.chat.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a template into text and tag tokens, applying whitespace control ({@code {%-}, {@code -%}},
 * {@code {{-}, {@code -}}}, {@code {#-}, {@code -#}}) and Hugging Face's environment settings
 * {@code trim_blocks=True} (the first newline after a block or comment tag is removed) and
 * {@code lstrip_blocks=True} (spaces and tabs before a block or comment tag at the start of a line
 * are removed; {@code {%+} turns this off for one tag, {@code +%}} turns trim off).
 */
final class Lexer {

    private static final String[] OPERATORS = {
        "//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "|", ".", ",", ":",
        "(", ")", "[", "]", "{", "}", "=", "<", ">"
    };
    private static final Pattern RAW_START = Pattern.compile("\\G[-+]?\\s*raw\\s*([-+]?)%}");
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");

    private final String src;
    private final int n;
    private final List<Token> tokens = new ArrayList<>();
    private boolean stripNextLeading;
    private boolean trimNextNewline;

    private Lexer(String src) {
        this.src = src;
        this.n = src.length();
    }

    static List<Token> tokenize(String src) {
        Lexer lx = new Lexer(src);
        lx.run();
        return lx.tokens;
    }

    private ChatTemplateException error(String msg, int pos) {
        int[] lc = lineColumn(src, pos);
        return new ChatTemplateException(ChatTemplateException.Kind.SYNTAX, msg, lc[0], lc[1]);
    }

    static int[] lineColumn(String src, int pos) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < pos && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new int[] {line, col};
    }

    private int nextTagStart(int from) {
        for (int i = from; i + 1 < n; i++) {
            if (src.charAt(i) == '{') {
                char c = src.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') {
                    return i;
                }
            }
        }
        return -1;
    }

    private String leadingText(String text) {
        if (stripNextLeading) {
            int k = 0;
            while (k < text.length() && Character.isWhitespace(text.charAt(k))) {
                k++;
            }
            text = text.substring(k);
        } else if (trimNextNewline) {
            if (text.startsWith("\r\n")) {
                text = text.substring(2);
            } else if (text.startsWith("\n")) {
                text = text.substring(1);
            }
        }
        stripNextLeading = false;
        trimNextNewline = false;
        return text;
    }

    private static String rstripAll(String text) {
        int e = text.length();
        while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) {
            e--;
        }
        return text.substring(0, e);
    }

    /** lstrip_blocks: drop spaces/tabs before the tag at {@code tagPos} when only they stand between it and a line start. */
    private String lstripLine(String text, int tagPos) {
        int p = tagPos - 1;
        while (p >= 0 && (src.charAt(p) == ' ' || src.charAt(p) == '\t')) {
            p--;
        }
        if (p >= 0 && src.charAt(p) != '\n') {
            return text;
        }
        int e = text.length();
        while (e > 0 && (text.charAt(e - 1) == ' ' || text.charAt(e - 1) == '\t')) {
            e--;
        }
        return text.substring(0, e);
    }

    private void addText(String text, int pos) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Type.TEXT, text, pos));
        }
    }

    private void run() {
        int i = 0;
        while (i < n) {
            int j = nextTagStart(i);
            String text = leadingText(src.substring(i, j < 0 ? n : j));
            if (j < 0) {
                addText(text, i);
                break;
            }
            char kind = src.charAt(j + 1);
            int k = j + 2;
            boolean minus = k < n && src.charAt(k) == '-';
            boolean plus = k < n && src.charAt(k) == '+';
            if (minus) {
                text = rstripAll(text);
            } else if ((kind == '%' || kind == '#') && !plus) {
                text = lstripLine(text, j);
            }
            addText(text, i);
            if (minus || plus) {
                k++;
            }
            if (kind == '#') {
                int end = src.indexOf("#}", k);
                if (end < 0) {
                    throw error("unclosed comment", j);
                }
                boolean endMinus = end > k && src.charAt(end - 1) == '-';
                boolean endPlus = end > k && src.charAt(end - 1) == '+';
                stripNextLeading = endMinus;
                trimNextNewline = !endMinus && !endPlus;
                i = end + 2;
            } else if (kind == '%' && rawBlock(j)) {
                i = rawEnd;
            } else {
                tokens.add(new Token(kind == '{' ? Type.VAR_BEGIN : Type.BLOCK_BEGIN, kind == '{' ? "{{" : "{%", j));
                i = expression(k, kind == '{', j);
            }
        }
        tokens.add(new Token(Type.EOF, "", n));
    }

    private int rawEnd;

    private boolean rawBlock(int tagPos) {
        Matcher m = RAW_START.matcher(src);
        if (!m.find(tagPos + 2) || m.start() != tagPos + 2) {
            return false;
        }
        Matcher e = RAW_END.matcher(src);
        if (!e.find(m.end())) {
            throw error("unclosed raw block (missing {% endraw %})", tagPos);
        }
        String body = src.substring(m.end(), e.start());
        if (m.group(1).equals("-")) {
            body = leadingStrip(body);
        } else if (!m.group(1).equals("+")) {
            if (body.startsWith("\r\n")) {
                body = body.substring(2);
            } else if (body.startsWith("\n")) {
                body = body.substring(1);
            }
        }
        if (e.group(1).equals("-")) {
            body = rstripAll(body);
        } else if (!e.group(1).equals("+")) {
            body = lstripLine(body, e.start());
        }
        addText(body, m.end());
        stripNextLeading = e.group(2).equals("-");
        trimNextNewline = !stripNextLeading && !e.group(2).equals("+");
        rawEnd = e.end();
        return true;
    }

    private static String leadingStrip(String s) {
        int k = 0;
        while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        return s.substring(k);
    }

    /** Tokenizes the inside of a tag starting at {@code i}; returns the offset after the closing delimiter. */
    private int expression(int i, boolean variable, int tagPos) {
        int depth = 0;
        while (true) {
            while (i < n && Character.isWhitespace(src.charAt(i))) {
                i++;
            }
            if (i >= n) {
                throw error("unclosed tag, expected '" + (variable ? "}}" : "%}") + "'", tagPos);
            }
            if (depth == 0) {
                String close = variable ? "}}" : "%}";
                boolean minus = src.startsWith("-" + close, i);
                boolean plus = !variable && src.startsWith("+" + close, i);
                if (minus || plus || src.startsWith(close, i)) {
                    tokens.add(new Token(variable ? Type.VAR_END : Type.BLOCK_END, close, i));
                    stripNextLeading = minus;
                    trimNextNewline = !variable && !minus && !plus;
                    return i + close.length() + (minus || plus ? 1 : 0);
                }
                if (!variable && src.startsWith("}}", i)) {
                    throw error("unexpected '}}' inside a {% ... %} tag", i);
                }
            }
            char c = src.charAt(i);
            if (Character.isLetter(c) || c == '_') {
                int s = i;
                while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Type.NAME, src.substring(s, i), s));
            } else if (Character.isDigit(c)) {
                i = number(i);
            } else if (c == '\'' || c == '"') {
                i = string(i);
            } else {
                String op = null;
                for (String o : OPERATORS) {
                    if (src.startsWith(o, i)) {
                        op = o;
                        break;
                    }
                }
                if (op == null) {
                    throw error("unexpected character '" + c + "'", i);
                }
                if (op.equals("(") || op.equals("[") || op.equals("{")) {
                    depth++;
                } else if (op.equals(")") || op.equals("]") || op.equals("}")) {
                    if (depth == 0) {
                        throw error("unbalanced '" + op + "'", i);
                    }
                    depth--;
                }
                tokens.add(new Token(Type.OP, op, i));
                i += op.length();
            }
        }
    }

    private int number(int i) {
        int s = i;
        boolean isFloat = false;
        while (i < n && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '_')) {
            i++;
        }
        if (i + 1 < n && src.charAt(i) == '.' && Character.isDigit(src.charAt(i + 1))) {
            isFloat = true;
            i++;
            while (i < n && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                i++;
            }
        }
        if (i < n && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
            int k = i + 1;
            if (k < n && (src.charAt(k) == '+' || src.charAt(k) == '-')) {
                k++;
            }
            if (k < n && Character.isDigit(src.charAt(k))) {
                isFloat = true;
                i = k;
                while (i < n && Character.isDigit(src.charAt(i))) {
                    i++;
                }
            }
        }
        tokens.add(new Token(isFloat ? Type.FLOAT : Type.INT, src.substring(s, i).replace("_", ""), s));
        return i;
    }

    private int string(int i) {
        char q = src.charAt(i);
        int s = i;
        i++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= n) {
                throw error("unterminated string literal", s);
            }
            char c = src.charAt(i);
            if (c == q) {
                i++;
                break;
            }
            if (c == '\\' && i + 1 < n) {
                char e = src.charAt(i + 1);
                i += 2;
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'v' -> sb.append('\u000b');
                    case 'a' -> sb.append('\u0007');
                    case '0' -> sb.append('\0');
                    case '\\' -> sb.append('\\');
                    case '\'' -> sb.append('\'');
                    case '"' -> sb.append('"');
                    case '\n' -> { }
                    case 'x', 'u', 'U' -> {
                        int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (i + len > n) {
                            throw error("truncated \\" + e + " escape", i - 2);
                        }
                        try {
                            sb.appendCodePoint(Integer.parseInt(src.substring(i, i + len), 16));
                        } catch (IllegalArgumentException ex) {
                            throw error("bad \\" + e + " escape", i - 2);
                        }
                        i += len;
                    }
                    default -> sb.append('\\').append(e);
                }
            } else {
                sb.append(c);
                i++;
            }
        }
        tokens.add(new Token(Type.STRING, sb.toString(), s));
        return i;
    }
}
