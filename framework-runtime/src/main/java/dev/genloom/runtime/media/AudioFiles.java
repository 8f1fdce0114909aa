package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Audio;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.io.InputStream;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Audio files of any format into {@link Audio}: WAV (RIFF/WAVE, recognised by its header, not its
 * name) in PCM and float encodings by the API's own codec; everything else FFmpeg decodes (MP3,
 * FLAC, Ogg Vorbis/Opus, AAC/M4A, WAV with other codecs, the first audio track of a video) through
 * JavaCV, as float samples at the file's own rate and channel count. Errors name the file and say
 * what was wrong; FFmpeg's own console messages are silenced.
 */
public final class AudioFiles {

    private static final Object LOG_LEVEL_ONCE = new Object();
    private static volatile boolean quiet;

    private AudioFiles() {
    }

    /** Reads an audio file. */
    public static Audio read(Path file) {
        if (Files.isDirectory(file)) {
            throw GenloomException.invalidInput(file + " is a directory, not an audio file", "give the path of a file");
        }
        if (!Files.isRegularFile(file)) {
            throw GenloomException.invalidInput("audio file not found: " + file, "check the path");
        }
        long size;
        byte[] head = new byte[12];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            got = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
        if (size == 0) {
            throw GenloomException.invalidInput(file + " is empty (0 bytes)", "give a file that holds audio");
        }
        if (got == 12 && ascii(head, 0).equals("RIFF") && ascii(head, 8).equals("WAVE")) {
            try {
                return Audio.readWav(file);
            } catch (GenloomException wav) {
                if (wav.kind() != ErrorKind.INVALID_INPUT || !wav.getMessage().contains("format tag")) {
                    throw wav;
                }
                // a WAV container around another codec (A-law, mu-law, ADPCM, MP3 ...): FFmpeg may know it
                try {
                    return decode(file);
                } catch (GenloomException ffmpeg) {
                    wav.addSuppressed(ffmpeg);
                    throw wav;
                }
            }
        }
        return decode(file);
    }

    /**
     * Writes audio compressed by FFmpeg, the codec chosen by the file's extension: {@code .mp3}
     * (LAME, 192 kb/s), {@code .flac}, {@code .ogg} (Vorbis, 192 kb/s), {@code .opus} (Opus in Ogg,
     * 128 kb/s; Opus takes 48 kHz, so other rates are resampled first) or {@code .m4a} (AAC,
     * 192 kb/s). WAV is written by {@link Audio#writeWav}.
     */
    public static Path encode(Audio audio, Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        Audio a = audio;
        record Codec(String format, int id, int bitrate) {
        }
        Codec codec = switch (ext) {
            case "mp3" -> new Codec("mp3", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3, 192_000);
            case "flac" -> new Codec("flac", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_FLAC, 0);
            case "ogg" -> new Codec("ogg", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VORBIS, 192_000);
            case "opus" -> new Codec("ogg", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS, 128_000);
            case "m4a" -> new Codec("ipod", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC, 192_000);
            default -> throw GenloomException.invalidInput("cannot write " + file + ": the extension ." + ext
                    + " names no format written here", "use .mp3, .flac, .ogg, .opus or .m4a (or .wav)");
        };
        if (ext.equals("opus") && a.sampleRate() != 48000) {
            a = a.resample(48000);
        }
        silenceFfmpeg();
        float[] samples = a.samples();
        int channels = a.channels();
        org.bytedeco.javacv.FFmpegFrameRecorder r = new org.bytedeco.javacv.FFmpegFrameRecorder(file.toFile(), channels);
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
        } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
            throw new GenloomException(ErrorKind.IO, "cannot write " + file + ": " + reason(e), null, e);
        } finally {
            try {
                r.release();
            } catch (org.bytedeco.javacv.FrameRecorder.Exception ignored) {
                // releasing frees the native context; nothing more to do
            }
        }
        return file;
    }

    /** Decodes the first audio stream of a file with FFmpeg, as float samples. */
    static Audio decode(Path file) {
        silenceFfmpeg();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw GenloomException.invalidInput(file + " is not audio FFmpeg can decode: " + reason(e),
                        "give an audio file (WAV, MP3, FLAC, Ogg, M4A, ...) or a video with sound");
            }
            if (!grabber.hasAudio() || grabber.getAudioChannels() <= 0) {
                throw GenloomException.invalidInput(file + " has no audio track (" + describe(grabber) + ")",
                        "give a file with sound");
            }
            int channels = grabber.getAudioChannels();
            int rate = grabber.getSampleRate();
            if (rate <= 0) {
                throw GenloomException.invalidInput(file + ": FFmpeg reports no sample rate for its audio track", null);
            }
            float[] out = new float[Math.max(1024, (int) Math.min(Integer.MAX_VALUE - 8,
                    Math.max(0, grabber.getLengthInTime()) / 1_000_000.0 * rate * channels * 1.05))];
            int count = 0;
            Frame frame;
            while (true) {
                try {
                    frame = grabber.grabSamples();
                } catch (FrameGrabber.Exception e) {
                    if (count > 0) {
                        break; // a damaged or truncated tail: keep what decoded
                    }
                    throw GenloomException.invalidInput(file + ": FFmpeg cannot decode its audio: " + reason(e), null);
                }
                if (frame == null) {
                    break;
                }
                if (frame.samples == null || frame.samples.length == 0) {
                    continue;
                }
                int frames = samplesPerChannel(frame, channels);
                int needed = count + frames * channels;
                if (needed > out.length) {
                    out = Arrays.copyOf(out, Math.max(needed, out.length * 2));
                }
                interleave(frame.samples, channels, frames, out, count);
                count = needed;
            }
            return new Audio(Arrays.copyOf(out, count), rate, channels);
        } finally {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception ignored) {
                // closing releases the native context; nothing more to do
            }
        }
    }

    private static int samplesPerChannel(Frame frame, int channels) {
        Buffer b = frame.samples[0];
        int n = b.limit();
        return frame.samples.length == channels && channels > 1 ? n : n / channels;
    }

    /** Copies planar (a buffer per channel) or packed (one interleaved buffer) float samples. */
    private static void interleave(Buffer[] planes, int channels, int frames, float[] out, int at) {
        if (planes.length == channels && channels > 1) {
            for (int c = 0; c < channels; c++) {
                FloatBuffer p = (FloatBuffer) planes[c];
                for (int f = 0; f < frames; f++) {
                    out[at + f * channels + c] = p.get(f);
                }
            }
        } else {
            FloatBuffer p = (FloatBuffer) planes[0];
            p.get(0, out, at, frames * channels);
        }
    }

    private static void silenceFfmpeg() {
        if (!quiet) {
            synchronized (LOG_LEVEL_ONCE) {
                if (!quiet) {
                    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
                    quiet = true;
                }
            }
        }
    }

    private static String describe(FFmpegFrameGrabber g) {
        String format = g.getFormat();
        return (format == null ? "unknown format" : format) + (g.hasVideo() ? ", video only" : "");
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.strip();
    }

    private static String ascii(byte[] b, int at) {
        return new String(b, at, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
