package dev.genloom.runtime.media;

import dev.genloom.api.media.Audio;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/** Writes test files with FFmpeg's encoders (through JavaCV), so that no media file is committed. */
public final class FfmpegEncoder {
    private FfmpegEncoder() {
    }

    /** Whether this FFmpeg build has the named encoder. */
    public static boolean hasEncoder(String name) {
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(name);
        return codec != null && !codec.isNull();
    }

    /**
     * Encodes audio into a file: {@code format} is FFmpeg's muxer name (mp3, flac, ogg, ipod,
     * matroska, ...), {@code codec} the encoder's, {@code bitrate} in bits/s (0: the codec's default).
     */
    public static void encode(Audio audio, Path file, String format, String codec, int bitrate) throws Exception {
        encode(audio, file, format, codec, bitrate, Map.of());
    }

    /** As {@link #encode(Audio, Path, String, String, int)}, with options for the muxer (e.g. rf64=always). */
    public static void encode(Audio audio, Path file, String format, String codec, int bitrate,
                              Map<String, String> muxerOptions) throws Exception {
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), audio.channels())) {
            muxerOptions.forEach(r::setOption);
            r.setFormat(format);
            r.setAudioCodecName(codec);
            r.setSampleRate(audio.sampleRate());
            r.setAudioChannels(audio.channels());
            if (bitrate > 0) {
                r.setAudioBitrate(bitrate);
            }
            if (codec.equals("vorbis")) {
                r.setAudioOption("strict", "experimental"); // FFmpeg's own Vorbis encoder is marked experimental
            }
            r.start();
            recordAudio(r, audio);
            r.stop();
        }
    }

    /**
     * A video file: {@code frames} frames of one solid colour at 10 frames/s (MPEG-4 part 2), with
     * the audio as its sound track (AAC) where {@code audio} is not null.
     */
    public static void video(Path file, String format, int frames, Audio audio) throws Exception {
        int width = 64;
        int height = 48;
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), width, height,
                audio == null ? 0 : audio.channels())) {
            r.setFormat(format);
            r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            r.setFrameRate(10);
            r.setVideoBitrate(200_000);
            if (audio != null) {
                r.setAudioCodecName("aac");
                r.setSampleRate(audio.sampleRate());
                r.setAudioChannels(audio.channels());
                r.setAudioBitrate(128_000);
            }
            r.start();
            Frame image = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) image.image[0];
            for (int i = 0; i < pixels.capacity(); i += 3) {
                pixels.put(i, (byte) 200).put(i + 1, (byte) 80).put(i + 2, (byte) 30); // BGR: a blue
            }
            for (int i = 0; i < frames; i++) {
                r.record(image);
            }
            if (audio != null) {
                recordAudio(r, audio);
            }
            r.stop();
        }
    }

    /** Feeds the samples in pieces of 4096 frames, as a live source would. */
    private static void recordAudio(FFmpegFrameRecorder r, Audio audio) throws Exception {
        float[] s = audio.samples();
        int step = 4096 * audio.channels();
        // JavaCV reads heap buffers from the start of their array, so give it direct ones
        FloatBuffer piece = ByteBuffer.allocateDirect(step * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int at = 0; at < s.length; at += step) {
            int n = Math.min(step, s.length - at);
            piece.clear();
            piece.put(s, at, n).flip();
            r.recordSamples(audio.sampleRate(), audio.channels(), piece);
        }
    }
}
