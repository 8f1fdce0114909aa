package dev.genloom.api.media;

/**
 * {@link AudioStream#monoAt(int)}: averages the channels of each block as {@link Audio#toMono()}
 * does and converts the rate with a {@link Resampler.Streaming}, giving the samples that
 * {@link Audio#monoAt(int)} gives for the whole sound.
 */
final class MonoStream implements AudioStream {
    private static final int BLOCK = 1 << 13;

    private final AudioStream source;
    private final int rate;
    private final Resampler.Streaming resampler;
    private final float[] interleaved;
    private final float[] mono;
    private boolean ended;

    MonoStream(AudioStream source, int rate) {
        this.source = source;
        this.rate = rate;
        this.resampler = source.sampleRate() == rate ? null : Resampler.of(source.sampleRate(), rate).streaming();
        this.interleaved = new float[BLOCK * source.channels()];
        this.mono = new float[BLOCK];
    }

    @Override
    public int sampleRate() {
        return rate;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public long frames() {
        long n = source.frames();
        return n < 0 ? -1 : resampler == null ? n : Resampler.of(source.sampleRate(), rate).outputLength(n);
    }

    @Override
    public int read(float[] buffer, int frames) {
        while (true) {
            if (resampler != null) {
                int n = resampler.drain(buffer, 0, frames);
                if (n > 0) {
                    return n;
                }
                if (ended) {
                    return -1;
                }
            }
            int n = source.read(interleaved, Math.min(BLOCK, resampler == null ? frames : BLOCK));
            if (n < 0) {
                ended = true;
                if (resampler == null) {
                    return -1;
                }
                resampler.finish();
                continue;
            }
            float[] target = resampler == null ? buffer : mono;
            downmix(interleaved, n, source.channels(), target);
            if (resampler == null) {
                return n;
            }
            resampler.push(mono, 0, n);
        }
    }

    /** Averages each frame's channels the way {@link Audio#toMono()} does. */
    private static void downmix(float[] in, int frames, int channels, float[] out) {
        if (channels == 1) {
            System.arraycopy(in, 0, out, 0, frames);
            return;
        }
        for (int f = 0; f < frames; f++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += in[f * channels + c];
            }
            out[f] = sum / channels;
        }
    }

    @Override
    public void close() {
        source.close();
    }
}
