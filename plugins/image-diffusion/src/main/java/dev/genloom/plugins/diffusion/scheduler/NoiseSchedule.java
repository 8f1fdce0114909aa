package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.GenloomException;

/**
 * The training noise schedule every scheduler builds on: betas (from {@code beta_schedule},
 * {@code beta_start}, {@code beta_end}, {@code num_train_timesteps} or {@code trained_betas}, with
 * {@code rescale_betas_zero_snr}), their cumulative products {@code abar_t}, the matching
 * {@code sigma_t = sqrt((1 - abar_t) / abar_t)} of the variance-exploding view, and the conversions
 * between sigmas and (fractional) timesteps diffusers uses. Computed in double precision.
 */
final class NoiseSchedule {
    /** What diffusers puts in place of a zero terminal abar, for the samplers that divide by it. */
    static final double TERMINAL_ALPHA_CUMPROD = 0x1p-24;
    /** The exponent of the Karras et al. (2022) sigma spacing. */
    static final double KARRAS_RHO = 7.0;

    private final double[] alphasCumprod;
    private final double[] sigmas;
    private final double[] logSigmas;

    private NoiseSchedule(double[] alphasCumprod) {
        this.alphasCumprod = alphasCumprod;
        int n = alphasCumprod.length;
        this.sigmas = new double[n];
        this.logSigmas = new double[n];
        for (int t = 0; t < n; t++) {
            sigmas[t] = sigmaOf(alphasCumprod[t]);
            logSigmas[t] = Math.log(sigmas[t]);
        }
    }

    /**
     * The schedule of a resolved config.
     *
     * @param rescale whether the scheduler honours {@code rescale_betas_zero_snr}
     * @param clampTerminal whether it then sets the last abar to 2^-24 (Euler, Euler ancestral,
     *     DPM-Solver do; DDIM and LCM keep the zero)
     */
    static NoiseSchedule of(SchedulerConfig cfg, boolean rescale, boolean clampTerminal) {
        int trainSteps = cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS);
        double[] betas = (double[]) cfg.optional(ConfigKey.TRAINED_BETAS);
        if (betas == null) {
            betas = betas(cfg.choice(ConfigKey.BETA_SCHEDULE, BetaSchedule.class), cfg.number(ConfigKey.BETA_START),
                    cfg.number(ConfigKey.BETA_END), trainSteps);
        } else if (betas.length != trainSteps) {
            throw GenloomException.invalidInput(cfg.where() + ": \"trained_betas\" has " + betas.length
                    + " values but \"num_train_timesteps\" is " + trainSteps,
                    "Give one beta per training timestep");
        }
        for (double b : betas) {
            if (!(b > 0 && b < 1)) {
                throw GenloomException.invalidInput(cfg.where() + ": the betas from \"beta_start\" = "
                        + cfg.optional(ConfigKey.BETA_START) + " and \"beta_end\" = " + cfg.optional(ConfigKey.BETA_END)
                        + " leave (0, 1)", "Use betas between 0 and 1");
            }
        }
        boolean zeroSnr = rescale && cfg.flag(ConfigKey.RESCALE_BETAS_ZERO_SNR);
        if (zeroSnr) {
            betas = rescaleZeroTerminalSnr(betas);
        }
        double[] abar = cumprod(betas);
        if (zeroSnr && clampTerminal) {
            abar[abar.length - 1] = TERMINAL_ALPHA_CUMPROD;
        }
        return new NoiseSchedule(abar);
    }

    /** A schedule of given cumulative alphas (for tests and callers with their own). */
    static NoiseSchedule ofAlphasCumprod(double[] alphasCumprod) {
        return new NoiseSchedule(alphasCumprod.clone());
    }

    /** The betas of a schedule: linear, linear in square root, or from the capped cosine alpha_bar. */
    static double[] betas(BetaSchedule schedule, double start, double end, int trainSteps) {
        double[] betas = new double[trainSteps];
        switch (schedule) {
            case LINEAR:
                double[] lin = Timesteps.reversed(Timesteps.linspace(end - start, trainSteps));
                for (int i = 0; i < trainSteps; i++) {
                    betas[i] = start + lin[i];
                }
                break;
            case SCALED_LINEAR:
                double s = Math.sqrt(start);
                double[] root = Timesteps.reversed(Timesteps.linspace(Math.sqrt(end) - s, trainSteps));
                for (int i = 0; i < trainSteps; i++) {
                    betas[i] = (s + root[i]) * (s + root[i]);
                }
                break;
            case SQUAREDCOS_CAP_V2:
                for (int i = 0; i < trainSteps; i++) {
                    double t1 = (double) i / trainSteps;
                    double t2 = (double) (i + 1) / trainSteps;
                    betas[i] = Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
                }
                break;
            default:
                throw new IllegalArgumentException(String.valueOf(schedule));
        }
        return betas;
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /**
     * Betas rescaled to a zero terminal SNR (Lin et al. 2023, algorithm 1): sqrt(abar) shifted so
     * its last value is 0 and scaled so its first stays.
     */
    static double[] rescaleZeroTerminalSnr(double[] betas) {
        double[] abar = cumprod(betas);
        int n = abar.length;
        double first = Math.sqrt(abar[0]);
        double last = Math.sqrt(abar[n - 1]);
        double[] out = new double[n];
        double prev = 1;
        for (int i = 0; i < n; i++) {
            double root = (Math.sqrt(abar[i]) - last) * first / (first - last);
            double a = root * root;
            out[i] = 1 - (i == 0 ? a : a / prev);
            prev = a;
        }
        return out;
    }

    private static double[] cumprod(double[] betas) {
        double[] abar = new double[betas.length];
        double p = 1;
        for (int i = 0; i < betas.length; i++) {
            p *= 1 - betas[i];
            abar[i] = p;
        }
        return abar;
    }

    /** The variance-exploding sigma of a cumulative alpha: sqrt((1 - abar) / abar). */
    static double sigmaOf(double alphaCumprod) {
        return Math.sqrt((1 - alphaCumprod) / alphaCumprod);
    }

    /** {@code num_train_timesteps}. */
    int trainSteps() {
        return alphasCumprod.length;
    }

    /** abar at a training timestep. */
    double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** sigma at a training timestep. */
    double sigma(int t) {
        return sigmas[t];
    }

    /** sigma at a fractional timestep, linear between training timesteps (numpy's {@code interp}). */
    double sigmaAt(double t) {
        int last = sigmas.length - 1;
        if (t <= 0) {
            return sigmas[0];
        }
        if (t >= last) {
            return sigmas[last];
        }
        int k = (int) Math.floor(t);
        double w = t - k;
        return w == 0 ? sigmas[k] : sigmas[k] + w * (sigmas[k + 1] - sigmas[k]);
    }

    /** {@link #sigmaAt} of each timestep. */
    double[] sigmasAt(double[] timesteps) {
        double[] out = new double[timesteps.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sigmaAt(timesteps[i]);
        }
        return out;
    }

    /**
     * The fractional timestep of a sigma: linear in log sigma between the two training timesteps
     * around it, clamped to the training range (diffusers' {@code _sigma_to_t}).
     */
    double timestepOf(double sigma) {
        double log = Math.log(Math.max(sigma, 1e-10));
        int low = 0;
        for (int t = 0; t < logSigmas.length; t++) {
            if (log - logSigmas[t] >= 0) {
                low = t;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        double w = (logSigmas[low] - log) / (logSigmas[low] - logSigmas[low + 1]);
        w = Math.max(0, Math.min(1, w));
        return (1 - w) * low + w * (low + 1);
    }

    /** {@link #timestepOf} of each sigma. */
    double[] timestepsOf(double[] sigmas) {
        double[] out = new double[sigmas.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = timestepOf(sigmas[i]);
        }
        return out;
    }

    /**
     * {@code count} sigmas from {@code max} down to {@code min}, evenly spaced in
     * {@code sigma^(1/rho)} with rho 7 (Karras et al. 2022, eq. 5).
     */
    static double[] karras(double max, double min, int count) {
        double maxInv = Math.pow(max, 1 / KARRAS_RHO);
        double minInv = Math.pow(min, 1 / KARRAS_RHO);
        double[] ramp = Timesteps.reversed(Timesteps.linspace(1, count));
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), KARRAS_RHO);
        }
        return out;
    }

    /** The values with one more appended. */
    static double[] append(double[] values, double last) {
        double[] out = new double[values.length + 1];
        System.arraycopy(values, 0, out, 0, values.length);
        out[values.length] = last;
        return out;
    }
}
