package dev.genloom.api;

import java.util.Arrays;

/**
 * Latents handed to a diffusion model instead of the seeded noise: {@code values} in row-major
 * order of {@code shape} ({@code [batch, channels, height / 8, width / 8]} for Stable Diffusion),
 * unscaled standard-normal noise as the seed would give (the model multiplies by its scheduler's
 * initial sigma).
 *
 * @param shape  the tensor shape, every dimension positive
 * @param values the values, as many as the shape holds
 */
public record Latents(long[] shape, float[] values) {

    /** Checks that the values fill the shape. */
    public Latents {
        GenloomException.require(shape != null && shape.length > 0, "latents need a shape");
        long n = 1;
        for (long d : shape) {
            GenloomException.require(d > 0, "latent shape " + Arrays.toString(shape) + " has a dimension < 1");
            n = Math.multiplyExact(n, d);
        }
        GenloomException.require(values != null && values.length == n, "latents of shape " + Arrays.toString(shape)
                + " need " + n + " values, got " + (values == null ? 0 : values.length));
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Latents l && Arrays.equals(shape, l.shape) && Arrays.equals(values, l.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Latents" + Arrays.toString(shape);
    }
}
