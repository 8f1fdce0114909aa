package dev.genloom.plugins.diffusion.scheduler;

import java.util.Map;

/**
 * diffusers' {@code EulerDiscreteScheduler} without churn: Euler's method on the probability-flow
 * ODE of Karras et al. (2022), {@code x' = x + (sigma' - sigma) * (x - x0) / sigma}. Honours
 * {@code use_karras_sigmas} (with {@code sigma_min}, {@code sigma_max}), {@code final_sigmas_type},
 * {@code timestep_type} ({@code continuous} with v-prediction gives timesteps {@code 0.25 ln sigma}),
 * {@code interpolation_type} (linear) and {@code rescale_betas_zero_snr}.
 */
final class EulerScheduler extends SigmaScheduler {
    static final String CLASS = "EulerDiscreteScheduler";
    static final Map<ConfigKey, Object> DEFAULTS = Defaults.of(
            ConfigKey.INTERPOLATION_TYPE, "linear",
            ConfigKey.USE_KARRAS_SIGMAS, false,
            ConfigKey.USE_EXPONENTIAL_SIGMAS, false,
            ConfigKey.USE_BETA_SIGMAS, false,
            ConfigKey.TIMESTEP_SPACING, TimestepSpacing.LINSPACE,
            ConfigKey.TIMESTEP_TYPE, "discrete",
            ConfigKey.RESCALE_BETAS_ZERO_SNR, false,
            ConfigKey.FINAL_SIGMAS_TYPE, FinalSigmas.ZERO);

    private EulerScheduler(double[] timesteps, double[] sigmas, SchedulerConfig cfg) {
        super("euler", timesteps, sigmas, cfg.choice(ConfigKey.TIMESTEP_SPACING, TimestepSpacing.class),
                cfg.predictionType());
    }

    /** The run of a config resolved with {@link #DEFAULTS}. */
    static EulerScheduler create(SchedulerConfig cfg, int steps) {
        checkSteps("euler", steps, cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS));
        if (!cfg.word(ConfigKey.INTERPOLATION_TYPE).equals("linear")) {
            throw cfg.unsupported(ConfigKey.INTERPOLATION_TYPE, "euler", "\"linear\" only");
        }
        cfg.requireNeutral(ConfigKey.USE_EXPONENTIAL_SIGMAS, false, "euler");
        cfg.requireNeutral(ConfigKey.USE_BETA_SIGMAS, false, "euler");
        NoiseSchedule schedule = NoiseSchedule.of(cfg, true, true);
        Plan plan = interpolated(schedule, cfg, steps, cfg.flag(ConfigKey.USE_KARRAS_SIGMAS),
                cfg.optional(ConfigKey.SIGMA_MIN), cfg.optional(ConfigKey.SIGMA_MAX));
        double last = cfg.choice(ConfigKey.FINAL_SIGMAS_TYPE, FinalSigmas.class) == FinalSigmas.SIGMA_MIN
                ? schedule.sigma(0) : 0;
        double[] sigmas = NoiseSchedule.append(plan.sigmas(), last);
        double[] timesteps = plan.timesteps();
        if (cfg.word(ConfigKey.TIMESTEP_TYPE).equals("continuous") && cfg.predictionType() == PredictionType.V_PREDICTION) {
            timesteps = new double[steps];
            for (int i = 0; i < steps; i++) {
                timesteps[i] = 0.25 * Math.log(sigmas[i]);
            }
        }
        return new EulerScheduler(timesteps, sigmas, cfg);
    }

    @Override
    public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        checkIndex(i);
        double[] x0 = original(modelOutput, i, sample);
        double sigma = sigma(i);
        double dt = sigma(i + 1) - sigma;
        float[] out = new float[sample.length];
        for (int k = 0; k < out.length; k++) {
            double derivative = (sample[k] - x0[k]) / sigma;
            out[k] = (float) (sample[k] + derivative * dt);
        }
        return out;
    }
}
