package dev.genloom.plugins.diffusion.scheduler;

/**
 * One noise level in the variance-preserving view: a noisy sample is
 * {@code x = signal * x0 + noise * eps}, with {@code signal = sqrt(abar)} and
 * {@code noise = sqrt(1 - abar)}. The conversions between what a UNet predicts (epsilon, v or the
 * clean sample) and the clean sample or the noise are written here once; the sigma samplers use
 * them on {@code x / sqrt(sigma^2 + 1)}, their sample in this view.
 */
record NoiseLevel(double signal, double noise) {

    /** The level of a cumulative alpha. */
    static NoiseLevel ofAlphaCumprod(double abar) {
        return new NoiseLevel(Math.sqrt(abar), Math.sqrt(1 - abar));
    }

    /** The level of a variance-exploding sigma: abar = 1 / (sigma^2 + 1). */
    static NoiseLevel ofSigma(double sigma) {
        double signal = 1 / Math.sqrt(sigma * sigma + 1);
        return new NoiseLevel(signal, sigma * signal);
    }

    /** The clean sample the model's output stands for, given the (variance-preserving) sample it saw. */
    double original(PredictionType type, double out, double x) {
        switch (type) {
            case EPSILON:
                return (x - noise * out) / signal;
            case V_PREDICTION:
                return signal * x - noise * out;
            case SAMPLE:
                return out;
            default:
                throw new IllegalArgumentException(String.valueOf(type));
        }
    }

    /** The noise the model's output stands for. */
    double epsilon(PredictionType type, double out, double x) {
        switch (type) {
            case EPSILON:
                return out;
            case V_PREDICTION:
                return signal * out + noise * x;
            case SAMPLE:
                return (x - signal * out) / noise;
            default:
                throw new IllegalArgumentException(String.valueOf(type));
        }
    }

    /** The clean sample noised to this level. */
    double noised(double x0, double eps) {
        return signal * x0 + noise * eps;
    }
}
