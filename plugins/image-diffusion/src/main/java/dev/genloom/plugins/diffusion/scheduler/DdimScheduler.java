package dev.genloom.plugins.diffusion.scheduler;

import java.util.Map;

/**
 * diffusers' {@code DDIMScheduler} with eta 0 (deterministic DDIM, Song et al. 2021): from the
 * predicted clean sample and noise at t, {@code x' = sqrt(abar') x0 + sqrt(1 - abar') eps} at
 * {@code t' = t - num_train_timesteps / steps}. Honours {@code clip_sample} (+ range),
 * {@code set_alpha_to_one}, {@code rescale_betas_zero_snr} and every prediction type.
 */
final class DdimScheduler extends AlphaScheduler {
    static final String CLASS = "DDIMScheduler";
    static final Map<ConfigKey, Object> DEFAULTS = Defaults.of(
            ConfigKey.CLIP_SAMPLE, true,
            ConfigKey.SET_ALPHA_TO_ONE, true,
            ConfigKey.THRESHOLDING, false,
            ConfigKey.CLIP_SAMPLE_RANGE, 1.0,
            ConfigKey.TIMESTEP_SPACING, TimestepSpacing.LEADING,
            ConfigKey.RESCALE_BETAS_ZERO_SNR, false);

    private final int stride;
    private final double clip;

    private DdimScheduler(SchedulerConfig cfg, int steps) {
        super("ddim", integerTimesteps(cfg, steps), NoiseSchedule.of(cfg, true, false),
                cfg.flag(ConfigKey.SET_ALPHA_TO_ONE), cfg.predictionType());
        this.stride = trainSteps() / steps;
        this.clip = cfg.flag(ConfigKey.CLIP_SAMPLE) ? cfg.number(ConfigKey.CLIP_SAMPLE_RANGE) : Double.POSITIVE_INFINITY;
    }

    /** The run of a config resolved with {@link #DEFAULTS}. */
    static DdimScheduler create(SchedulerConfig cfg, int steps) {
        checkSteps("ddim", steps, cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS));
        cfg.requireNeutral(ConfigKey.THRESHOLDING, false, "ddim");
        return new DdimScheduler(cfg, steps);
    }

    @Override
    public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        checkIndex(i);
        checkSameLength(modelOutput, sample);
        int t = (int) timestep(i);
        NoiseLevel now = level(t);
        NoiseLevel prev = level(t - stride);
        float[] out = new float[sample.length];
        for (int k = 0; k < out.length; k++) {
            double x0 = now.original(prediction(), modelOutput[k], sample[k]);
            double eps = now.epsilon(prediction(), modelOutput[k], sample[k]);
            x0 = Math.max(-clip, Math.min(clip, x0));
            out[k] = (float) prev.noised(x0, eps);
        }
        return out;
    }
}
