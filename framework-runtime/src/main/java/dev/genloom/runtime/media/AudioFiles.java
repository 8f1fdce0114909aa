package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.AudioStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads audio files of any common format into {@link Audio}, at the file's own sample rate and
 * channel count (bring it to what a model takes with {@link Audio#monoAt(int)}).
 *
 * <ul>
 *   <li>WAV, recognised by its content ({@code RIFF....WAVE}, whatever the file is called), is
 *       read by {@link WavCodec}: 8/16/24/32-bit PCM, 32/64-bit float, {@code WAVE_FORMAT_EXTENSIBLE}.
 *       A data chunk cut short (a copy that stopped early) gives the audio that is there, with a
 *       warning in the log; a header cut short is an error. WAV in a coding WavCodec does not read
 *       (A-law, mu-law, ADPCM, RF64, ...) goes to FFmpeg.</li>
 *   <li>Everything else goes to FFmpeg (through JavaCV): MP3, FLAC, Ogg Vorbis/Opus, AAC/M4A, WMA,
 *       AIFF, ... and the audio track of a video file. FFmpeg converts the decoded samples to
 *       interleaved 32-bit float at the stream's own rate and channel count; nothing is resampled
 *       here. Damage FFmpeg reports while decoding (a file cut short) is logged as a warning and
 *       the audio decoded up to it is kept.</li>
 * </ul>
 *
 * <p>Errors are {@link GenloomException}s naming the file: {@link ErrorKind#INVALID_INPUT} for a
 * missing or empty file, a file that is not audio, a video without an audio track; {@link
 * ErrorKind#IO} where reading itself fails. A file whose audio stream holds no samples gives an
 * {@link Audio} of 0 frames: what that means is for the caller to decide. Native memory is
 * released on every path.
 */
public final class AudioFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AudioFiles.class);
    private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-?\\d+)");
    /** The most samples one Audio holds. */
    private static final long MAX_SAMPLES = Integer.MAX_VALUE - 16;

    private AudioFiles() {
    }

    /** Reads an audio file (WAV natively, any other format FFmpeg decodes). */
    public static Audio read(Path file) {
        return read(file, file.toString());
    }

    /**
     * Opens an audio file as a stream, decoded a block at a time as it is read (WAV natively,
     * any other format through FFmpeg), so that memory stays bounded whatever the length. The
     * same files, checks and messages as {@link #read(Path)}; close the stream when done.
     */
    public static AudioStream open(Path file) {
        String where = file.toString();
        if (isWav(file, where)) {
            try {
                return WavCodec.open(file, LOG::warn);
            } catch (WavCodec.UnsupportedWavException unsupported) {
                LOG.debug("{}; trying FFmpeg", unsupported.getMessage());
                try {
                    return FfmpegStream.open(file, where);
                } catch (GenloomException e) {
                    throw unreadableWav(unsupported, e);
                }
            }
        }
        return FfmpegStream.open(file, where);
    }

    /** Checks that the file is there and not empty; whether it is WAV, by its content. */
    private static boolean isWav(Path file, String where) {
        return isRiffWave(head(file, where));
    }

    /** The first 12 bytes of a file checked to be there, readable and not empty ({@code where} names it). */
    private static byte[] head(Path file, String where) {
        UserFiles.requireFile(file, "audio file");
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(12);
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "audio file", e);
        }
        if (head.length == 0) {
            throw empty(where);
        }
        return head;
    }

    private static GenloomException unreadableWav(GenloomException unsupported, GenloomException ffmpeg) {
        return new GenloomException(ErrorKind.INVALID_INPUT, unsupported.getMessage()
                + ", and FFmpeg could not decode it either: " + ffmpeg.getMessage(), "convert it to 16-bit PCM WAV", ffmpeg);
    }

    /** Reads a file; {@code where} names it in messages. */
    private static Audio read(Path file, String where) {
        if (isRiffWave(head(file, where))) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                return readWav(in, where, file);
            } catch (IOException e) {
                throw UserFiles.unreadable(file, "audio file", e);
            }
        }
        return decode(file, where);
    }

    /**
     * Writes audio compressed by FFmpeg, the codec chosen by the file's extension: {@code .mp3}
     * (LAME, 192 kb/s), {@code .flac}, {@code .ogg} (Vorbis, 192 kb/s), {@code .opus} (Opus in Ogg,
     * 128 kb/s; Opus takes 48 kHz, so other rates are resampled first) or {@code .m4a} (AAC,
     * 192 kb/s). WAV is written by {@link WavCodec#write(Audio, Path)}.
     */
    public static Path encode(Audio audio, Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        Audio a = audio;
        record Codec(String format, int id, int bitrate) {
        }
        Codec codec = switch (ext) {
            case "mp3" -> new Codec("mp3", avcodec.AV_CODEC_ID_MP3, 192_000);
            case "flac" -> new Codec("flac", avcodec.AV_CODEC_ID_FLAC, 0);
            case "ogg" -> new Codec("ogg", avcodec.AV_CODEC_ID_VORBIS, 192_000);
            case "opus" -> new Codec("ogg", avcodec.AV_CODEC_ID_OPUS, 128_000);
            case "m4a" -> new Codec("ipod", avcodec.AV_CODEC_ID_AAC, 192_000);
            default -> throw GenloomException.invalidInput("cannot write " + file + ": the extension ." + ext
                    + " names no format written here", "use .mp3, .flac, .ogg, .opus or .m4a (or .wav)");
        };
        if (ext.equals("opus") && a.sampleRate() != 48000) {
            a = a.resample(48000);
        }
        FfmpegLog.install();
        float[] samples = a.samples();
        int channels = a.channels();
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), channels);
        try {
            r.setFormat(codec.format());
            r.setAudioCodec(codec.id());
            r.setSampleRate(a.sampleRate());
            r.setAudioChannels(channels);
            if (codec.bitrate() > 0) {
                r.setAudioBitrate(codec.bitrate());
            }
            r.start();
            int chunk = 4096 * channels;
            for (int at = 0; at < samples.length; at += chunk) {
                // a fresh array per call: the recorder reads heap buffers from their array's start
                float[] part = Arrays.copyOfRange(samples, at, Math.min(samples.length, at + chunk));
                r.recordSamples(a.sampleRate(), channels, FloatBuffer.wrap(part));
            }
            r.stop();
        } catch (FrameRecorder.Exception e) {
            throw new GenloomException(ErrorKind.IO, "cannot write " + file + ": " + e.getMessage(), null, e);
        } finally {
            try {
                r.release();
            } catch (FrameRecorder.Exception ignored) {
                // releasing frees the native context; nothing more to do
            }
        }
        return file;
    }

    /**
     * Reads audio from a stream, which is left open, just as {@link #read(Path)} reads a file;
     * {@code where} names the source in messages and, where it ends in a file extension, helps
     * FFmpeg recognise the format. The bytes are copied to a temporary file first (FFmpeg needs to
     * seek in some formats, such as M4A), which is removed afterwards.
     */
    public static Audio read(InputStream in, String where) {
        String name = where == null || where.isBlank() ? "audio input" : where;
        try {
            Path temp = Files.createTempFile("genloom-audio-", extension(name));
            try {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                return read(temp, name);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read audio from " + name + ": " + e.getMessage(), null, e);
        }
    }

    /** Whether the bytes start like a RIFF WAVE file. */
    static boolean isRiffWave(byte[] head) {
        return head.length >= 12 && ascii(head, 0).equals("RIFF") && ascii(head, 8).equals("WAVE");
    }

    /** WAV through {@link WavCodec}; a coding it does not read goes to FFmpeg. */
    private static Audio readWav(InputStream in, String where, Path file) {
        try {
            return WavCodec.read(in, where, LOG::warn);
        } catch (WavCodec.UnsupportedWavException unsupported) {
            LOG.debug("{}; trying FFmpeg", unsupported.getMessage());
            try {
                return decode(file, where);
            } catch (GenloomException e) {
                throw unreadableWav(unsupported, e);
            }
        }
    }

    /** Decodes the first audio stream of a file with FFmpeg. */
    static Audio decode(Path file, String where) {
        try (FfmpegStream stream = FfmpegStream.open(file, where)) {
            return stream.readAll();
        }
    }

    /** FFmpeg's reason for a failure, in words (JavaCV gives the numeric code). */
    static String reason(FrameGrabber.Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        Matcher m = FFMPEG_ERROR.matcher(message);
        if (m.find()) {
            try {
                int code = Integer.parseInt(m.group(1));
                byte[] buf = new byte[256];
                if (avutil.av_strerror(code, buf, buf.length) == 0) {
                    int len = 0;
                    while (len < buf.length && buf[len] != 0) {
                        len++;
                    }
                    return new String(buf, 0, len, StandardCharsets.UTF_8) + " (FFmpeg error " + code + ")";
                }
            } catch (NumberFormatException ignored) {
                // fall through to JavaCV's message
            }
        }
        return message;
    }

    static GenloomException notAudio(String where, String reason, Throwable cause) {
        return new GenloomException(ErrorKind.INVALID_INPUT, where + " is not audio FFmpeg can decode: " + reason,
                "give a WAV, MP3, FLAC, Ogg, M4A or other audio file, or a video with a sound track", cause);
    }

    private static GenloomException empty(String where) {
        return GenloomException.invalidInput(where + " is empty (0 bytes), not audio", "give a file with audio in it");
    }

    private static String extension(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        int dot = name.lastIndexOf('.');
        if (dot > slash && dot < name.length() - 1 && name.length() - dot <= 6) {
            String ext = name.substring(dot).toLowerCase(Locale.ROOT);
            if (ext.matches("\\.[a-z0-9]+")) {
                return ext;
            }
        }
        return ".bin";
    }

    private static String ascii(byte[] b, int i) {
        return new String(b, i, 4, StandardCharsets.ISO_8859_1);
    }
}
