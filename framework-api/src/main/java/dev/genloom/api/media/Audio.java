package dev.genloom.api.media;

import dev.genloom.api.GenloomException;

import java.util.Arrays;

/**
 * Sound as float PCM: samples in [-1, 1], interleaved by channel (frame after frame), with their
 * sample rate. Immutable. The host reads and writes it in files (WAV natively, other formats through FFmpeg); changes rate with
 * {@link #resample(int)} (see {@link Resampler}).
 */
public final class Audio {
    /** The most samples one Audio holds (a Java array's reach). */
    static final long MAX_SAMPLES = Integer.MAX_VALUE - 16;

    private final float[] samples;
    private final int sampleRate;
    private final int channels;

    /** Audio from interleaved samples: {@code frames * channels} of them. */
    public Audio(float[] samples, int sampleRate, int channels) {
        GenloomException.require(sampleRate > 0, "sample rate must be positive, got " + sampleRate);
        GenloomException.require(channels > 0, "channel count must be positive, got " + channels);
        GenloomException.require(samples.length % channels == 0,
                samples.length + " samples do not divide into " + channels + " channels");
        this.samples = samples.clone();
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    private Audio(float[] samples, int sampleRate, int channels, boolean owned) {
        this.samples = samples;
        this.sampleRate = sampleRate;
        this.channels = channels;
    }

    /**
     * Audio that takes the array as it is, without a copy: for decoders that built it themselves.
     * The caller hands the array over and must not change it afterwards.
     */
    public static Audio wrap(float[] samples, int sampleRate, int channels) {
        GenloomException.require(sampleRate > 0, "sample rate must be positive, got " + sampleRate);
        GenloomException.require(channels > 0, "channel count must be positive, got " + channels);
        GenloomException.require(samples.length % channels == 0,
                samples.length + " samples do not divide into " + channels + " channels");
        return new Audio(samples, sampleRate, channels, true);
    }

    /** The samples themselves, not a copy: for this package, which must not change them. */
    float[] samplesView() {
        return samples;
    }

    /**
     * Copies {@code length} interleaved samples from {@code offset} into {@code destination} at
     * {@code destinationOffset}: a block at a time, for encoders that must not copy the whole sound.
     */
    public void copySamples(int offset, float[] destination, int destinationOffset, int length) {
        System.arraycopy(samples, offset, destination, destinationOffset, length);
    }

    /** The number of interleaved samples: {@code frames() * channels()}. */
    public int sampleCount() {
        return samples.length;
    }

    /** Mono audio. */
    public static Audio mono(float[] samples, int sampleRate) {
        return new Audio(samples, sampleRate, 1);
    }

    /** A copy of the interleaved samples. */
    public float[] samples() {
        return samples.clone();
    }

    /** Frames per second. */
    public int sampleRate() {
        return sampleRate;
    }

    /** How many channels the samples interleave. */
    public int channels() {
        return channels;
    }

    /** Samples per channel. */
    public int frames() {
        return samples.length / channels;
    }

    /** How long the audio lasts, in seconds. */
    public double durationSeconds() {
        return (double) frames() / sampleRate;
    }

    /** Whether there are no samples. */
    public boolean isEmpty() {
        return samples.length == 0;
    }

    /** The samples of one channel. */
    public float[] channel(int c) {
        GenloomException.require(c >= 0 && c < channels, "channel " + c + " does not exist in " + channels + "-channel audio");
        float[] out = new float[frames()];
        for (int f = 0; f < out.length; f++) {
            out[f] = samples[f * channels + c];
        }
        return out;
    }

    /** The average of the channels, as mono audio (itself where already mono). */
    public Audio toMono() {
        if (channels == 1) {
            return this;
        }
        float[] out = new float[frames()];
        for (int f = 0; f < out.length; f++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += samples[f * channels + c];
            }
            out[f] = sum / channels;
        }
        return wrap(out, sampleRate, 1);
    }

    /** The audio at another sample rate, band-limited (see {@link Resampler}); itself where the rate is equal. */
    public Audio resample(int rate) {
        if (rate == sampleRate) {
            return this;
        }
        Resampler r = Resampler.of(sampleRate, rate);
        if (channels == 1) {
            return wrap(r.apply(samples), rate, 1);
        }
        float[][] perChannel = new float[channels][];
        for (int c = 0; c < channels; c++) {
            perChannel[c] = r.apply(channel(c));
        }
        int frames = perChannel[0].length;
        float[] out = new float[frames * channels];
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < channels; c++) {
                out[f * channels + c] = perChannel[c][f];
            }
        }
        return wrap(out, rate, channels);
    }

    /** The channels averaged, at {@code rate}: what speech models take. */
    public Audio monoAt(int rate) {
        return toMono().resample(rate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Audio a && a.sampleRate == sampleRate && a.channels == channels
                && Arrays.equals(a.samples, samples);
    }

    @Override
    public int hashCode() {
        return (sampleRate * 31 + channels) * 31 + Arrays.hashCode(samples);
    }

    @Override
    public String toString() {
        return "Audio[" + frames() + " frames, " + sampleRate + " Hz, " + channels + " ch]";
    }
}
