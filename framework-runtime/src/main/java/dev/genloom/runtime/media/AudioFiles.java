package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.media.WavCodec;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
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

    /** Reads a file; {@code where} names it in messages. */
    private static Audio read(Path file, String where) {
        if (Files.isDirectory(file)) {
            throw GenloomException.invalidInput(file + " is a directory, not an audio file",
                    "give the path of an audio file");
        }
        if (!Files.exists(file)) {
            throw GenloomException.invalidInput("audio file not found: " + file, "check the path");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(12);
        } catch (NoSuchFileException e) {
            throw GenloomException.invalidInput("audio file not found: " + file, "check the path");
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read audio file " + file + ": " + e.getMessage(), null, e);
        }
        if (head.length == 0) {
            throw empty(where);
        }
        if (isRiffWave(head)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                return readWav(in, where, file);
            } catch (IOException e) {
                throw new GenloomException(ErrorKind.IO, "cannot read audio file " + file + ": " + e.getMessage(), null, e);
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
                throw new GenloomException(ErrorKind.INVALID_INPUT, unsupported.getMessage()
                        + ", and FFmpeg could not decode it either: " + e.getMessage(),
                        "convert it to 16-bit PCM WAV", e);
            }
        }
    }

    /** Decodes the first audio stream of a file with FFmpeg. */
    static Audio decode(Path file, String where) {
        FfmpegLog.install();
        FfmpegLog.capture();
        List<String> errors = List.of();
        Audio audio;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw notAudio(where, reason(e), e);
            }
            if (!grabber.hasAudio() || grabber.getAudioChannels() <= 0 || grabber.getSampleRate() <= 0) {
                String format = grabber.getFormat();
                String what = grabber.hasVideo()
                        ? "it has no audio track; FFmpeg sees only pictures in it (format " + format + ", codec "
                                + grabber.getVideoCodecName() + ")"
                        : "FFmpeg found no audio stream in it (format " + format + ")";
                throw notAudio(where, what, null);
            }
            int rate = grabber.getSampleRate();
            int channels = grabber.getAudioChannels();
            // Pin the output to the stream's first format: a stream that changes its rate or
            // layout midway is converted by FFmpeg to this one.
            grabber.setSampleRate(rate);
            grabber.setAudioChannels(channels);
            double declared = declaredSeconds(grabber);
            audio = new Audio(grab(grabber, where, rate, channels), rate, channels);
            if (declared > 0 && audio.durationSeconds() < 0.9 * declared - 0.1) {
                LOG.warn("{}: decoded {} s of the {} s the file declares; it may be cut short", where,
                        String.format(Locale.ROOT, "%.2f", audio.durationSeconds()),
                        String.format(Locale.ROOT, "%.2f", declared));
            }
        } catch (FrameGrabber.Exception e) {
            // only close() gets here: start() and grabSamples() failures are handled above
            throw new GenloomException(ErrorKind.IO, where + ": FFmpeg failed to close the file: " + e.getMessage(), null, e);
        } finally {
            errors = FfmpegLog.captured();
        }
        if (!errors.isEmpty()) {
            LOG.warn("{}: FFmpeg reported {} problem(s) while decoding, so the file may be damaged or cut short; "
                            + "kept the {} s decoded (first problem: {})", where, errors.size(),
                    String.format(Locale.ROOT, "%.2f", audio.durationSeconds()), errors.get(0));
        }
        return audio;
    }

    /**
     * How long the file says its audio lasts, in seconds; 0 where it does not say. The audio
     * stream's own duration where the container gives one; else the container's, unless a video
     * track (which may run longer) is present.
     */
    private static double declaredSeconds(FFmpegFrameGrabber grabber) {
        AVFormatContext context = grabber.getFormatContext();
        for (int i = 0; i < context.nb_streams(); i++) {
            AVStream stream = context.streams(i);
            if (stream.codecpar().codec_type() == avutil.AVMEDIA_TYPE_AUDIO) {
                long duration = stream.duration();
                AVRational base = stream.time_base();
                if (duration != avutil.AV_NOPTS_VALUE && duration > 0 && base.den() != 0) {
                    return duration * (double) base.num() / base.den();
                }
                break; // the first audio stream is the one decoded
            }
        }
        return grabber.hasVideo() ? 0 : Math.max(0, grabber.getLengthInTime() / 1e6);
    }

    /** All samples of the audio stream, interleaved. */
    private static float[] grab(FFmpegFrameGrabber grabber, String where, int rate, int channels) {
        long expected = grabber.getLengthInTime() > 0
                ? (long) (grabber.getLengthInTime() / 1e6 * rate * channels) + channels * 4096L : 1 << 20;
        float[] out = new float[(int) Math.min(Math.max(expected, 4096), 1 << 24)];
        int count = 0;
        int failures = 0;
        while (true) {
            Frame frame;
            try {
                frame = grabber.grabSamples();
            } catch (FrameGrabber.Exception e) {
                // A damaged packet: FFmpeg skips it; give up after several in a row.
                if (++failures >= 8) {
                    if (count == 0) {
                        throw notAudio(where, reason(e), e);
                    }
                    LOG.warn("{}: FFmpeg stopped decoding after {} errors in a row ({}); kept the {} frames before",
                            where, failures, reason(e), count / channels);
                    break;
                }
                continue;
            }
            if (frame == null) {
                break;
            }
            failures = 0;
            Buffer[] planes = frame.samples;
            if (planes == null || planes.length == 0) {
                continue;
            }
            int n = samplesIn(planes, channels);
            if ((long) count + n > MAX_SAMPLES) {
                throw GenloomException.invalidInput(where + ": the audio holds more than " + MAX_SAMPLES
                        + " samples, more than one Audio holds", "split it into shorter files");
            }
            if (count + n > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(MAX_SAMPLES, Math.max((long) count + n, 2L * out.length)));
            }
            copy(planes, channels, out, count);
            count += n;
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    private static int samplesIn(Buffer[] planes, int channels) {
        FloatBuffer first = (FloatBuffer) planes[0];
        return planes.length == 1 ? first.remaining() : first.remaining() * channels;
    }

    /** Copies one frame's samples into {@code out} at {@code at}, interleaving planar ones. */
    private static void copy(Buffer[] planes, int channels, float[] out, int at) {
        if (planes.length == 1) {
            FloatBuffer b = ((FloatBuffer) planes[0]).duplicate();
            b.get(out, at, b.remaining());
            return;
        }
        for (int c = 0; c < planes.length && c < channels; c++) {
            FloatBuffer b = ((FloatBuffer) planes[c]).duplicate();
            int frames = b.remaining();
            for (int f = 0; f < frames; f++) {
                out[at + f * channels + c] = b.get();
            }
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

    private static GenloomException notAudio(String where, String reason, Throwable cause) {
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
