package dev.genloom.cli.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.Embedding;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Labels;
import dev.genloom.api.ScoredLabel;
import dev.genloom.api.Segment;
import dev.genloom.api.TextRegion;
import dev.genloom.api.Transcript;
import dev.genloom.api.io.UserFiles;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.ValueType;
import dev.genloom.runtime.media.AudioFiles;
import dev.genloom.runtime.media.WavCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Values of pipelines and commands to and from files and text: how a {@code --input NAME=VALUE}
 * becomes a value of its declared type, how outputs are written, and how values look in JSON.
 */
public final class Values {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Values() {
    }

    /**
     * A value of the given type from a command-line spelling: {@code @FILE} reads a file (text as
     * UTF-8, images as PNG/JPEG of at most {@code maxImagePixels}, audio as WAV or anything FFmpeg
     * decodes); text may also be given literally. A file that cannot be read is an
     * {@link ErrorKind#INVALID_INPUT} error saying why ({@code where} names the input).
     */
    public static Object parse(ValueType type, String spec, String where, long maxImagePixels) {
        boolean isFile = spec.startsWith("@");
        Path file = isFile ? Path.of(spec.substring(1)) : null;
        if (type == ValueType.TEXT) {
            return isFile ? UserFiles.readUtf8(file, where + ": file", Integer.MAX_VALUE - 16, null) : spec;
        }
        if (!isFile) {
            throw GenloomException.invalidInput(where + " is " + type + ": give a file as @FILE, got '" + spec + "'");
        }
        if (type == ValueType.IMAGE) {
            UserFiles.requireFile(file, where + ": file");
            return Image.read(file, maxImagePixels);
        }
        if (type == ValueType.AUDIO) {
            UserFiles.requireFile(file, where + ": file");
            return readAudio(file);
        }
        throw GenloomException.invalidInput(where + " is " + type + ", which cannot be read from a file");
    }

    /** Reads an audio file: WAV natively, any other format (or a video's sound) through FFmpeg. */
    public static Audio readAudio(Path file) {
        return AudioFiles.read(file);
    }

    /** The file extension an output of this value is written with. */
    public static String extension(Object value) {
        if (value instanceof String) {
            return "txt";
        }
        if (value instanceof Image) {
            return "png";
        }
        if (value instanceof Audio) {
            return "wav";
        }
        return "json";
    }

    /** Writes a value into a folder as {@code NAME.EXT}; returns the file. */
    public static Path write(Object value, Path dir, String name) {
        Path file = dir.resolve(name + "." + extension(value));
        try {
            Files.createDirectories(dir);
            if (value instanceof String s) {
                Files.writeString(file, s.endsWith("\n") ? s : s + "\n", StandardCharsets.UTF_8);
            } else if (value instanceof Image image) {
                image.writePng(file);
            } else if (value instanceof Audio audio) {
                WavCodec.write(audio, file);
            } else {
                Files.writeString(file, toJson(value).toPrettyString() + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot write " + file + ": " + e.getMessage(), null, e);
        }
        return file;
    }

    /** A pixel coordinate to 0.01 pixel, for JSON that people read. */
    private static double hundredths(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A value as JSON: text as a string, media as their shape, the rest field by field. */
    public static JsonNode toJson(Object value) {
        if (value instanceof String s) {
            return JSON.textNode(s);
        }
        if (value instanceof Image image) {
            return JSON.objectNode().put("type", "image").put("width", image.width()).put("height", image.height());
        }
        if (value instanceof Audio audio) {
            return JSON.objectNode().put("type", "audio").put("sampleRate", audio.sampleRate())
                    .put("channels", audio.channels()).put("seconds", audio.durationSeconds());
        }
        if (value instanceof Transcript t) {
            ObjectNode node = JSON.objectNode().put("text", t.text());
            node.put("language", t.language());
            ArrayNode segments = node.putArray("segments");
            for (Segment s : t.segments()) {
                segments.addObject().put("start", s.start()).put("end", s.end()).put("text", s.text());
            }
            Transcript.Timings tm = t.timings();
            if (tm.windows() > 0) {
                node.putObject("timings").put("windows", tm.windows()).put("tokens", tm.tokens())
                        .put("featureMs", tm.featureNanos() / 1e6).put("encoderMs", tm.encoderNanos() / 1e6)
                        .put("decoderMs", tm.decoderNanos() / 1e6);
            }
            return node;
        }
        if (value instanceof Labels labels) {
            ArrayNode out = JSON.arrayNode();
            for (ScoredLabel l : labels.ranked()) {
                out.addObject().put("label", l.label()).put("score", l.score());
            }
            return out;
        }
        if (value instanceof TextRegion r) {
            ObjectNode node = JSON.objectNode().put("text", r.text()).put("confidence", r.confidence());
            ArrayNode quad = node.putArray("quad");
            for (TextRegion.Point p : r.quad()) {
                quad.addArray().add(hundredths(p.x())).add(hundredths(p.y()));
            }
            return node;
        }
        if (value instanceof Embedding e) {
            ArrayNode out = JSON.arrayNode();
            for (float f : e.vector()) {
                out.add(f);
            }
            return out;
        }
        throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
}
