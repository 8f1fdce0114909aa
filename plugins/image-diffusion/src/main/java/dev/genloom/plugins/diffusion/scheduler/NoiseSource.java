package dev.genloom.plugins.diffusion.scheduler;

import java.util.Random;

/**
 * Standard-normal noise for one image, reproducible from its seed: the same seed gives the same
 * numbers in the same order on every run, machine and thread count ({@link Random}'s generator
 * and its Gaussian are fixed by the Java specification).
 */
public final class NoiseSource {
    private final Random random;

    public NoiseSource(long seed) {
        this.random = new Random(seed);
    }

    /** Fills the array with the next standard-normal values. */
    public void fill(float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) random.nextGaussian();
        }
    }

    /** The next {@code n} standard-normal values. */
    public float[] next(int n) {
        float[] out = new float[n];
        fill(out);
        return out;
    }
}
