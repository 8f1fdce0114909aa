package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.GenloomException;

import java.util.Objects;

/**
 * What every scheduler here shares: its timesteps, the checks of step indices and array sizes,
 * and, for the multistep ones, the rule that steps come in order.
 */
abstract class AbstractScheduler implements Scheduler {
    private final String name;
    private final double[] timesteps;
    private int first = -1;
    private int next = -1;

    AbstractScheduler(String name, double[] timesteps) {
        this.name = name;
        this.timesteps = timesteps;
    }

    /** Refuses a step count below 1 or above what the scheduler can pick from the training timesteps. */
    static void checkSteps(String name, int steps, int max) {
        if (steps < 1 || steps > max) {
            throw GenloomException.invalidInput("The " + name + " scheduler cannot run " + steps + " steps",
                    "Use from 1 to " + max + " steps");
        }
    }

    @Override
    public final double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public final int steps() {
        return timesteps.length;
    }

    /** The timestep of step i. */
    final double timestep(int i) {
        return timesteps[i];
    }

    /** The scheduler's name, for messages. */
    final String name() {
        return name;
    }

    /** Checks that i is a step of the run. */
    final void checkIndex(int i) {
        if (i < 0 || i >= timesteps.length) {
            throw new IndexOutOfBoundsException("step " + i + " of a " + name + " run of " + timesteps.length + " steps");
        }
    }

    /** Checks that the arrays are of one image. */
    static void checkSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("latents of " + a.length + " and " + b.length + " values");
        }
    }

    /**
     * For a scheduler that keeps a history: checks that step i follows the previous one (the first
     * may be any, for image-to-image) and returns how many steps this run has taken before it.
     */
    final int advance(int i) {
        checkIndex(i);
        if (next >= 0 && i != next) {
            throw new IllegalStateException("the " + name + " scheduler keeps a history: step " + i
                    + " cannot follow step " + (next - 1) + "; make a new scheduler for each run");
        }
        if (first < 0) {
            first = i;
        }
        next = i + 1;
        return i - first;
    }

    /** Checks that a stochastic sampler was given its noise. */
    static NoiseSource requireNoise(NoiseSource noise, String name) {
        return Objects.requireNonNull(noise, "the " + name + " scheduler draws fresh noise: give it a NoiseSource");
    }
}
