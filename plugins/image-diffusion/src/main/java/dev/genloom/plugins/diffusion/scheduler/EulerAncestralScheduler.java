package dev.genloom.plugins.diffusion.scheduler;

import java.util.Map;

/**
 * diffusers' {@code EulerAncestralDiscreteScheduler}: an Euler step down to
 * {@code sigma_down = sqrt(sigma'^2 - sigma_up^2)}, then fresh noise of standard deviation
 * {@code sigma_up = sqrt(sigma'^2 (sigma^2 - sigma'^2) / sigma^2)}. Draws noise on every step (its
 * last step adds none), so a run is reproduced by its {@link NoiseSource} seed. Predicts from
 * epsilon or v; sample prediction is refused, as in diffusers.
 */
final class EulerAncestralScheduler extends SigmaScheduler {
    static final String CLASS = "EulerAncestralDiscreteScheduler";
    static final Map<ConfigKey, Object> DEFAULTS = Defaults.of(
            ConfigKey.TIMESTEP_SPACING, TimestepSpacing.LINSPACE,
            ConfigKey.RESCALE_BETAS_ZERO_SNR, false);

    private EulerAncestralScheduler(double[] timesteps, double[] sigmas, SchedulerConfig cfg) {
        super("euler-a", timesteps, sigmas, cfg.choice(ConfigKey.TIMESTEP_SPACING, TimestepSpacing.class),
                cfg.predictionType());
    }

    /** The run of a config resolved with {@link #DEFAULTS}. */
    static EulerAncestralScheduler create(SchedulerConfig cfg, int steps) {
        checkSteps("euler-a", steps, cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS));
        if (cfg.predictionType() == PredictionType.SAMPLE) {
            throw cfg.unsupported(ConfigKey.PREDICTION_TYPE, "euler-a", "\"epsilon\" and \"v_prediction\", as diffusers");
        }
        Plan plan = interpolated(NoiseSchedule.of(cfg, true, true), cfg, steps, false, null, null);
        return new EulerAncestralScheduler(plan.timesteps(), NoiseSchedule.append(plan.sigmas(), 0), cfg);
    }

    @Override
    public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        checkIndex(i);
        float[] fresh = requireNoise(noise, name()).next(sample.length);
        double[] x0 = original(modelOutput, i, sample);
        double from = sigma(i);
        double to = sigma(i + 1);
        double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
        double down = Math.sqrt(Math.max(0, to * to - up * up));
        float[] out = new float[sample.length];
        for (int k = 0; k < out.length; k++) {
            double derivative = (sample[k] - x0[k]) / from;
            out[k] = (float) (sample[k] + derivative * (down - from) + fresh[k] * up);
        }
        return out;
    }
}
