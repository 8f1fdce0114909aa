package dev.genloom.plugins.tts;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into sentences and sentences into clauses, keeping every word and every
 * punctuation mark.
 *
 * <p>A sentence ends after {@code .}, {@code !} or {@code ?} (with any closing quotes or
 * brackets right after them) that is followed by white space or the end of the text, or at a
 * line break; runs of white space become one space and sentences are trimmed, so joining the
 * sentences with spaces gives the text's words in order. A clause ends the same way after
 * {@code , ; :} as well; {@code 3.5} or {@code e.g.x} end nothing.
 */
public final class Sentences {
    private static final String SENTENCE_END = ".!?";
    private static final String CLAUSE_END = ".!?,;:";
    private static final String CLOSERS = "\"')]}\u201d\u2019\u00bb";

    private Sentences() {
    }

    /** The sentences of {@code text}, none blank. */
    public static List<String> split(String text) {
        return split(text, SENTENCE_END, true);
    }

    /** The clauses of one sentence, each with its closing punctuation, none blank. */
    public static List<String> clauses(String sentence) {
        return split(sentence, CLAUSE_END, false);
    }

    private static List<String> split(String text, String enders, boolean lineBreaks) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (lineBreaks && (ch == '\n' || ch == '\r')) {
                flush(current, out);
                i++;
                continue;
            }
            current.append(ch);
            i++;
            if (enders.indexOf(ch) >= 0) {
                while (i < text.length() && (enders.indexOf(text.charAt(i)) >= 0 || CLOSERS.indexOf(text.charAt(i)) >= 0)) {
                    current.append(text.charAt(i++));
                }
                if (i == text.length() || Character.isWhitespace(text.charAt(i))) {
                    flush(current, out);
                }
            }
        }
        flush(current, out);
        return out;
    }

    private static void flush(StringBuilder current, List<String> out) {
        String s = current.toString().trim().replaceAll("\\s+", " ");
        if (!s.isEmpty()) {
            out.add(s);
        }
        current.setLength(0);
    }
}
