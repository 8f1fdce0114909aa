package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.AudioStream;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first audio stream of a file, decoded by FFmpeg (through JavaCV) one frame at a time as it
 * is read: interleaved 32-bit float at the stream's own rate and channel count. Damage FFmpeg
 * reports while decoding (a file cut short) is logged as a warning when the stream closes, and the
 * audio decoded up to it is kept.
 */
final class FfmpegStream implements AudioStream {
    private static final Logger LOG = LoggerFactory.getLogger(AudioFiles.class);
    /** Damaged packets in a row after which decoding stops. */
    private static final int MAX_FAILURES = 8;

    private final FFmpegFrameGrabber grabber;
    private final String where;
    private final int rate;
    private final int channels;
    private final double declaredSeconds;
    private final List<String> errors = new ArrayList<>();
    /** The frame being handed out, and how many of its frames are already given. */
    private Buffer[] planes;
    private int planeFrames;
    private int given;
    private long framesRead;
    private boolean ended;
    private boolean closed;

    private FfmpegStream(FFmpegFrameGrabber grabber, String where, int rate, int channels, double declaredSeconds) {
        this.grabber = grabber;
        this.where = where;
        this.rate = rate;
        this.channels = channels;
        this.declaredSeconds = declaredSeconds;
    }

    /** Opens the file's first audio stream; a file that is not audio is refused naming it. */
    static FfmpegStream open(Path file, String where) {
        FfmpegLog.install();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        FfmpegLog.capture();
        try {
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw AudioFiles.notAudio(where, AudioFiles.reason(e), e);
            }
            if (!grabber.hasAudio() || grabber.getAudioChannels() <= 0 || grabber.getSampleRate() <= 0) {
                String format = grabber.getFormat();
                String what = grabber.hasVideo()
                        ? "it has no audio track; FFmpeg sees only pictures in it (format " + format + ", codec "
                                + grabber.getVideoCodecName() + ")"
                        : "FFmpeg found no audio stream in it (format " + format + ")";
                throw AudioFiles.notAudio(where, what, null);
            }
            int rate = grabber.getSampleRate();
            int channels = grabber.getAudioChannels();
            // Pin the output to the stream's first format: a stream that changes its rate or
            // layout midway is converted by FFmpeg to this one.
            grabber.setSampleRate(rate);
            grabber.setAudioChannels(channels);
            FfmpegStream stream = new FfmpegStream(grabber, where, rate, channels, declaredSeconds(grabber));
            stream.errors.addAll(FfmpegLog.captured());
            return stream;
        } catch (RuntimeException e) {
            FfmpegLog.captured();
            try {
                grabber.close();
            } catch (FrameGrabber.Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public int sampleRate() {
        return rate;
    }

    @Override
    public int channels() {
        return channels;
    }

    /** The frames the container declares (an estimate: its duration at the rate), else -1. */
    @Override
    public long frames() {
        return declaredSeconds > 0 ? Math.round(declaredSeconds * rate) : -1;
    }

    @Override
    public int read(float[] buffer, int frames) {
        while (planes == null || given == planeFrames) {
            if (ended || !grab()) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(frames, planeFrames - given);
        copy(planes, channels, given, n, buffer);
        given += n;
        framesRead += n;
        return n;
    }

    /** The next frame with samples in it; false at the end. */
    private boolean grab() {
        int failures = 0;
        FfmpegLog.capture();
        try {
            while (true) {
                Frame frame;
                try {
                    frame = grabber.grabSamples();
                } catch (FrameGrabber.Exception e) {
                    // A damaged packet: FFmpeg skips it; give up after several in a row.
                    if (++failures >= MAX_FAILURES) {
                        if (framesRead == 0) {
                            throw AudioFiles.notAudio(where, AudioFiles.reason(e), e);
                        }
                        LOG.warn("{}: FFmpeg stopped decoding after {} errors in a row ({}); kept the {} frames before",
                                where, failures, AudioFiles.reason(e), framesRead);
                        return false;
                    }
                    continue;
                }
                if (frame == null) {
                    return false;
                }
                failures = 0;
                Buffer[] p = frame.samples;
                if (p == null || p.length == 0) {
                    continue;
                }
                FloatBuffer first = (FloatBuffer) p[0];
                int count = p.length == 1 ? first.remaining() / channels : first.remaining();
                if (count == 0) {
                    continue;
                }
                planes = p;
                planeFrames = count;
                given = 0;
                return true;
            }
        } finally {
            errors.addAll(FfmpegLog.captured());
        }
    }

    /** Copies {@code n} frames from {@code from} of a decoded frame into {@code out}, interleaving planar ones. */
    private static void copy(Buffer[] planes, int channels, int from, int n, float[] out) {
        if (planes.length == 1) {
            FloatBuffer b = ((FloatBuffer) planes[0]).duplicate();
            b.position(b.position() + from * channels);
            b.get(out, 0, n * channels);
            return;
        }
        for (int c = 0; c < planes.length && c < channels; c++) {
            FloatBuffer b = (FloatBuffer) planes[c];
            int base = b.position() + from;
            for (int f = 0; f < n; f++) {
                out[f * channels + c] = b.get(base + f);
            }
        }
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

    /** Closes the decoder; where the whole stream was read, says what FFmpeg reported about the file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        planes = null;
        try {
            grabber.close();
        } catch (FrameGrabber.Exception e) {
            throw new GenloomException(ErrorKind.IO, where + ": FFmpeg failed to close the file: " + e.getMessage(), null, e);
        }
        if (!ended) {
            return; // the caller stopped early: nothing to say about the rest of the file
        }
        double decoded = (double) framesRead / rate;
        if (declaredSeconds > 0 && decoded < 0.9 * declaredSeconds - 0.1) {
            LOG.warn("{}: decoded {} s of the {} s the file declares; it may be cut short", where,
                    String.format(Locale.ROOT, "%.2f", decoded), String.format(Locale.ROOT, "%.2f", declaredSeconds));
        }
        if (!errors.isEmpty()) {
            LOG.warn("{}: FFmpeg reported {} problem(s) while decoding, so the file may be damaged or cut short; "
                    + "kept the {} s decoded (first problem: {})", where, errors.size(),
                    String.format(Locale.ROOT, "%.2f", decoded), errors.get(0));
        }
    }
}
