package dev.genloom.plugins.diffusion.scheduler;

/**
 * The inference timesteps a run visits, highest first, picked from the training ones as
 * diffusers' {@code timestep_spacing} says. Rounding is numpy's (half to even), so the values match
 * diffusers' exactly.
 */
final class Timesteps {

    private Timesteps() {
    }

    /**
     * The spacing's {@code count} timesteps out of {@code trainSteps}: linspace from
     * {@code trainSteps - 1} down to 0 (not rounded), leading multiples of {@code trainSteps / count}
     * (integer division) plus {@code offset}, or trailing multiples of {@code trainSteps / count}
     * counted down from {@code trainSteps}, rounded, minus one.
     */
    static double[] of(TimestepSpacing spacing, int trainSteps, int count, int offset) {
        switch (spacing) {
            case LINSPACE:
                return linspace(trainSteps - 1, count);
            case LEADING:
                return leading(trainSteps, count, offset);
            case TRAILING:
                return trailing(trainSteps, (double) trainSteps / count, count);
            default:
                throw new IllegalArgumentException(String.valueOf(spacing));
        }
    }

    /** numpy's {@code linspace(0, last, count)}, reversed: {@code last} first. */
    static double[] linspace(double last, int count) {
        double[] out = new double[count];
        if (count == 1) {
            return out; // numpy gives [0.0]
        }
        double step = last / (count - 1);
        for (int i = 0; i < count; i++) {
            out[count - 1 - i] = i == count - 1 ? last : i * step;
        }
        return out;
    }

    /** {@code (count - 1 - i) * (trainSteps / count) + offset} for i from 0: highest first. */
    static double[] leading(int trainSteps, int count, int offset) {
        int ratio = trainSteps / count;
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = (double) (count - 1 - i) * ratio + offset;
        }
        return out;
    }

    /**
     * {@code round(start - i * ratio) - 1} for i from 0 to count - 1. (numpy's
     * {@code arange(start, 0, -ratio)} that diffusers uses has one value more for some step counts,
     * 61 of 1000 for instance, the last being -1; a run here always has the steps asked for.)
     */
    static double[] trailing(double start, double ratio, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = Math.rint(start - i * ratio) - 1;
        }
        return out;
    }

    /** Rounded half to even, as numpy's {@code round}. */
    static double[] rounded(double[] t) {
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = Math.rint(t[i]);
        }
        return out;
    }

    /** Each value as the nearest float32, as diffusers keeps the timesteps of its sigma samplers. */
    static double[] float32(double[] t) {
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = (float) t[i];
        }
        return out;
    }

    /** All but the last value. */
    static double[] dropLast(double[] t) {
        double[] out = new double[t.length - 1];
        System.arraycopy(t, 0, out, 0, out.length);
        return out;
    }

    /** The values in reverse order. */
    static double[] reversed(double[] t) {
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = t[t.length - 1 - i];
        }
        return out;
    }
}
