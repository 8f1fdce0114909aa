package dev.genloom.runtime.media;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/** Writes test videos with FFmpeg (at test time: nothing is downloaded or committed). */
public final class Encoders {
    private Encoders() {
    }

    /** A short video (solid frames, MPEG-4 part 2) with the samples as its AAC sound track. */
    public static Path video(Path file, float[] interleaved, int rate, int channels) throws Exception {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        int w = 64;
        int h = 48;
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), w, h, channels);
        try {
            r.setFormat("mp4");
            r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            r.setFrameRate(10);
            r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            r.setSampleRate(rate);
            r.setAudioBitrate(128000);
            r.start();
            double seconds = (double) interleaved.length / channels / rate;
            Frame image = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
            ByteBuffer px = (ByteBuffer) image.image[0];
            for (int i = 0; i < px.capacity(); i++) {
                px.put(i, (byte) 90);
            }
            for (int f = 0; f < Math.ceil(seconds * 10); f++) {
                r.record(image);
            }
            int chunk = 4096 * channels;
            for (int at = 0; at < interleaved.length; at += chunk) {
                int n = Math.min(chunk, interleaved.length - at);
                r.recordSamples(rate, channels, FloatBuffer.wrap(java.util.Arrays.copyOfRange(interleaved, at, at + n)));
            }
            r.stop();
        } finally {
            r.release();
        }
        return file;
    }

    /** A video without sound. */
    public static Path silentVideo(Path file) throws Exception {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), 64, 48, 0);
        try {
            r.setFormat("mp4");
            r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            r.setFrameRate(10);
            r.start();
            Frame image = new Frame(64, 48, Frame.DEPTH_UBYTE, 3);
            for (int f = 0; f < 10; f++) {
                r.record(image);
            }
            r.stop();
        } finally {
            r.release();
        }
        return file;
    }
}
