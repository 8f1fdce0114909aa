package dev.genloom.search;

import dev.genloom.api.GenloomException;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a text into passages of at most {@link #maxChars()} characters: each paragraph (text
 * between blank lines) is one passage where it fits; a longer one becomes windows of whole
 * sentences, each window as many sentences as fit; a sentence longer than the limit is cut at
 * the last space before it (or at the limit where it has none). Whitespace inside a passage is
 * folded to single spaces; blank paragraphs give nothing.
 */
public final class PassageSplitter {
    /** The default limit: about 200 word pieces, well inside a 512-token encoder. */
    public static final int DEFAULT_MAX_CHARS = 800;
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\R[ \\t]*\\R");

    private final int maxChars;

    /** A splitter of passages up to {@link #DEFAULT_MAX_CHARS}. */
    public PassageSplitter() {
        this(DEFAULT_MAX_CHARS);
    }

    /**
     * A splitter of passages up to {@code maxChars} characters.
     *
     * @throws GenloomException {@code INVALID_INPUT} where {@code maxChars} is below 20
     */
    public PassageSplitter(int maxChars) {
        GenloomException.require(maxChars >= 20, "a passage must be allowed at least 20 characters, got " + maxChars);
        this.maxChars = maxChars;
    }

    /** The most characters a passage has. */
    public int maxChars() {
        return maxChars;
    }

    /** The passages of a text, in order; none for a blank text. */
    public List<Passage> split(String text) {
        List<Passage> out = new ArrayList<>();
        int start = 0;
        Matcher breaks = PARAGRAPH_BREAK.matcher(text);
        while (start < text.length()) {
            int end = breaks.find(start) ? breaks.start() : text.length();
            int next = end < text.length() ? breaks.end() : text.length();
            paragraph(text, start, end, out);
            start = next;
        }
        return out;
    }

    private void paragraph(String text, int start, int end, List<Passage> out) {
        String para = text.substring(start, end);
        if (para.isBlank()) {
            return;
        }
        int lead = 0;
        while (Character.isWhitespace(para.charAt(lead))) {
            lead++;
        }
        String folded = fold(para);
        if (folded.length() <= maxChars) {
            out.add(new Passage(folded, out.size(), start + lead));
            return;
        }
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(para);
        StringBuilder window = new StringBuilder();
        int windowStart = -1;
        int from = sentences.first();
        for (int to = sentences.next(); to != BreakIterator.DONE; from = to, to = sentences.next()) {
            String sentence = fold(para.substring(from, to));
            if (sentence.isEmpty()) {
                continue;
            }
            int sentenceStart = from;
            while (!sentence.isEmpty()) {
                String piece = sentence;
                if (piece.length() > maxChars) {
                    int cut = piece.lastIndexOf(' ', maxChars);
                    cut = cut <= 0 ? maxChars : cut;
                    piece = piece.substring(0, cut).strip();
                    sentence = sentence.substring(cut).strip();
                } else {
                    sentence = "";
                }
                if (window.length() > 0 && window.length() + 1 + piece.length() > maxChars) {
                    out.add(new Passage(window.toString(), out.size(), start + windowStart));
                    window.setLength(0);
                }
                if (window.length() == 0) {
                    windowStart = sentenceStart;
                } else {
                    window.append(' ');
                }
                window.append(piece);
            }
        }
        if (window.length() > 0) {
            out.add(new Passage(window.toString(), out.size(), start + windowStart));
        }
    }

    private static String fold(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }
}
