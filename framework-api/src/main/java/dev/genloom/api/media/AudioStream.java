package dev.genloom.api.media;

import dev.genloom.api.GenloomException;

import java.util.Arrays;

/**
 * Sound read a block at a time, so that a long recording never has to fit in memory: a file
 * decoded as it is read, or an {@link Audio} already in memory. Samples are float PCM in [-1, 1],
 * interleaved by channel. Not thread-safe; close it when done (a file's decoder holds native
 * memory and an open file).
 */
public interface AudioStream extends AutoCloseable {

    /** Samples per second, per channel. */
    int sampleRate();

    /** Channels per frame. */
    int channels();

    /** Frames in the whole stream where the source says so (a WAV header), else -1. */
    default long frames() {
        return -1;
    }

    /**
     * Reads up to {@code frames} frames (interleaved, {@code frames * channels()} samples) into
     * {@code buffer} from index 0.
     *
     * @return the frames read, at least 1 before the end; -1 at the end
     * @throws GenloomException where the source cannot be read, naming it
     */
    int read(float[] buffer, int frames);

    /** Releases the source; the stream reads nothing after. */
    @Override
    void close();

    /**
     * The channels averaged and the rate converted to {@code rate} a block at a time, exactly as
     * {@link Audio#monoAt(int)} converts the whole sound: what speech models read. Closing the
     * result closes this stream.
     */
    default AudioStream monoAt(int rate) {
        return channels() == 1 && sampleRate() == rate ? this : new MonoStream(this, rate);
    }

    /**
     * The rest of the stream in memory. Memory grows with the length: meant for short sounds; long
     * ones are better read a block at a time.
     *
     * @throws GenloomException {@code INVALID_INPUT} where the stream holds more samples than one
     *                          {@link Audio} can (about 2^31)
     */
    default Audio readAll() {
        int channels = channels();
        long known = frames();
        int block = 1 << 14;
        float[] out = new float[(int) Math.min(Math.max(known, 0) * channels, 1 << 22)];
        float[] buffer = new float[block * channels];
        long count = 0;
        int n;
        while ((n = read(buffer, block)) >= 0) {
            long samples = (long) n * channels;
            if (count + samples > Audio.MAX_SAMPLES) {
                throw GenloomException.invalidInput("the audio holds more than " + Audio.MAX_SAMPLES
                        + " samples, more than one Audio holds", "read it as a stream, or split it into shorter files");
            }
            if (count + samples > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(Audio.MAX_SAMPLES, Math.max(count + samples, 2L * out.length)));
            }
            System.arraycopy(buffer, 0, out, (int) count, (int) samples);
            count += samples;
        }
        return Audio.wrap(count == out.length ? out : Arrays.copyOf(out, (int) count), sampleRate(), channels);
    }

    /** A stream over sound already in memory. */
    static AudioStream of(Audio audio) {
        return new AudioStream() {
            private int frame;

            @Override
            public int sampleRate() {
                return audio.sampleRate();
            }

            @Override
            public int channels() {
                return audio.channels();
            }

            @Override
            public long frames() {
                return audio.frames();
            }

            @Override
            public int read(float[] buffer, int frames) {
                int n = Math.min(frames, audio.frames() - frame);
                if (n <= 0) {
                    return -1;
                }
                audio.copySamples(frame * audio.channels(), buffer, 0, n * audio.channels());
                frame += n;
                return n;
            }

            @Override
            public Audio readAll() {
                if (frame == 0) {
                    frame = audio.frames();
                    return audio;
                }
                return AudioStream.super.readAll();
            }

            @Override
            public void close() {
                frame = audio.frames();
            }
        };
    }
}
