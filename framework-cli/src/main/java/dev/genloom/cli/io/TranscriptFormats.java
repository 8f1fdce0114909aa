package dev.genloom.cli.io;

import dev.genloom.api.Segment;
import dev.genloom.api.Transcript;

import java.util.Locale;
import dev.genloom.api.GenloomException;

/** A transcript as plain text, SubRip (srt), WebVTT (vtt) or JSON. */
public final class TranscriptFormats {
    private TranscriptFormats() {
    }

    /** The transcript in a format: {@code txt}, {@code srt}, {@code vtt} or {@code json}. */
    public static String render(Transcript t, String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "txt" -> t.text().strip() + "\n";
            case "srt" -> srt(t);
            case "vtt" -> vtt(t);
            case "json" -> Values.toJson(t).toPrettyString() + "\n";
            default -> throw GenloomException.invalidInput("unknown transcript format '" + format
                    + "'; formats are txt, srt, vtt, json");
        };
    }

    static String srt(Transcript t) {
        StringBuilder sb = new StringBuilder();
        int n = 1;
        for (Segment s : t.segments()) {
            sb.append(n++).append('\n')
                    .append(time(s.start(), ',')).append(" --> ").append(time(s.end(), ',')).append('\n')
                    .append(s.text().strip()).append("\n\n");
        }
        return sb.toString();
    }

    static String vtt(Transcript t) {
        StringBuilder sb = new StringBuilder("WEBVTT\n\n");
        for (Segment s : t.segments()) {
            sb.append(time(s.start(), '.')).append(" --> ").append(time(s.end(), '.')).append('\n')
                    .append(s.text().strip()).append("\n\n");
        }
        return sb.toString();
    }

    /** HH:MM:SS,mmm (srt) or HH:MM:SS.mmm (vtt). */
    static String time(double seconds, char separator) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                separator, ms % 1000);
    }
}
