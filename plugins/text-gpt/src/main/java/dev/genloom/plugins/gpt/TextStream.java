package dev.genloom.plugins.gpt;

import dev.genloom.api.TokenListener;
import dev.genloom.spi.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Turns generated tokens into text as they come, incrementally: each new token decodes only a
 * short window of the latest tokens (with the token before as context, so that decoders that
 * strip a leading space see the same text as a full decode). Text is released only when stable:
 * never while it ends in U+FFFD (a multi-byte character still incomplete), and never the tail
 * that could be the start of a stop string. The pieces handed to the listener concatenate to
 * {@link #text()}.
 */
final class TextStream {
    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final TokenListener listener;
    private final List<String> stops;
    private final int longestStop;
    private long[] ids = new long[32];
    private int count;
    /** decode window: tokens [prefixOffset, readOffset) are already text; they give context */
    private int prefixOffset;
    private int readOffset;
    private final StringBuilder text = new StringBuilder();
    private int emitted;
    private int searchedTo;
    private int cut = -1;

    TextStream(Tokenizer tokenizer, TokenListener listener, List<String> stops) {
        this.tokenizer = tokenizer;
        this.listener = listener;
        this.stops = stops;
        this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds a generated token (not end-of-sequence); true where a stop string has appeared. */
    boolean add(long id) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = id;
        String prefix = decode(prefixOffset, readOffset);
        String full = decode(prefixOffset, count);
        if (full.length() > prefix.length() && full.startsWith(prefix)
                && full.charAt(full.length() - 1) != REPLACEMENT) {
            text.append(full, prefix.length(), full.length());
            prefixOffset = readOffset;
            readOffset = count;
        }
        return release(false);
    }

    /** Releases what is held back (the generation ended); true where a stop string appeared. */
    boolean finish() {
        if (cut < 0 && readOffset < count) {
            String prefix = decode(prefixOffset, readOffset);
            String full = decode(prefixOffset, count);
            int common = full.startsWith(prefix) ? prefix.length() : 0;
            if (full.length() > common) {
                text.append(full, common, full.length());
            }
            readOffset = count;
        }
        return release(true);
    }

    private boolean release(boolean end) {
        if (cut >= 0) {
            return true;
        }
        int limit = text.length();
        if (!stops.isEmpty()) {
            int from = Math.max(0, searchedTo - longestStop + 1);
            int found = -1;
            for (String s : stops) {
                int at = text.indexOf(s, from);
                if (at >= 0 && (found < 0 || at < found)) {
                    found = at;
                }
            }
            searchedTo = text.length();
            if (found >= 0) {
                cut = found;
                emit(found);
                return true;
            }
            if (!end) {
                limit -= heldBack();
            }
        }
        emit(limit);
        return false;
    }

    /** The length of the longest tail of the text that is a proper prefix of a stop string. */
    private int heldBack() {
        int best = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length()); k > best; k--) {
                if (endsWith(s, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private boolean endsWith(String s, int k) {
        int base = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(base + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void emit(int upTo) {
        if (upTo > emitted) {
            String piece = text.substring(emitted, upTo);
            emitted = upTo;
            listener.onText(piece);
        }
    }

    private String decode(int from, int to) {
        return from >= to ? "" : tokenizer.decode(Arrays.copyOfRange(ids, from, to), true);
    }

    /** The text generated, cut before a stop string where one appeared. */
    String text() {
        return cut >= 0 ? text.substring(0, cut) : text.toString();
    }

    boolean stopped() {
        return cut >= 0;
    }
}
