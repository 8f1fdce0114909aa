package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.GenloomException;

import java.util.Map;

/**
 * diffusers' {@code LCMScheduler} (latent consistency models, Luo et al. 2023): each step maps
 * the sample to the consistency function's clean estimate {@code c_out * x0 + c_skip * x}, with
 * {@code c_skip = 0.25 / ((10 t)^2 + 0.25)} and {@code c_out = 10 t / sqrt((10 t)^2 + 0.25)}
 * ({@code timestep_scaling} 10, sigma_data 0.5), then noises it afresh to the next timestep (not
 * after the last step). Its timesteps are picked from the {@code original_inference_steps}-point
 * distillation schedule {@code (1..K) * (T / K) - 1}; an image-to-image run of strength s picks
 * them from its first {@code K * s} points and starts at step 0. Honours {@code clip_sample}
 * (+ range), {@code set_alpha_to_one}, {@code rescale_betas_zero_snr} and every prediction type.
 */
final class LcmScheduler extends AlphaScheduler {
    static final String CLASS = "LCMScheduler";
    static final Map<ConfigKey, Object> DEFAULTS = Defaults.of(
            ConfigKey.BETA_START, 0.00085,
            ConfigKey.BETA_END, 0.012,
            ConfigKey.BETA_SCHEDULE, BetaSchedule.SCALED_LINEAR,
            ConfigKey.ORIGINAL_INFERENCE_STEPS, 50,
            ConfigKey.CLIP_SAMPLE, false,
            ConfigKey.CLIP_SAMPLE_RANGE, 1.0,
            ConfigKey.SET_ALPHA_TO_ONE, true,
            ConfigKey.THRESHOLDING, false,
            ConfigKey.TIMESTEP_SPACING, TimestepSpacing.LEADING,
            ConfigKey.TIMESTEP_SCALING, 10.0,
            ConfigKey.RESCALE_BETAS_ZERO_SNR, false);
    private static final double SIGMA_DATA = 0.5;

    private final double scaling;
    private final double clip;
    private final double strength;

    private LcmScheduler(double[] timesteps, SchedulerConfig cfg, double strength) {
        super("lcm", timesteps, NoiseSchedule.of(cfg, true, false), cfg.flag(ConfigKey.SET_ALPHA_TO_ONE),
                cfg.predictionType());
        this.scaling = cfg.number(ConfigKey.TIMESTEP_SCALING);
        this.clip = cfg.flag(ConfigKey.CLIP_SAMPLE) ? cfg.number(ConfigKey.CLIP_SAMPLE_RANGE) : Double.POSITIVE_INFINITY;
        this.strength = strength;
    }

    /** The run of a config resolved with {@link #DEFAULTS}, for text-to-image (strength 1) or image-to-image. */
    static LcmScheduler create(SchedulerConfig cfg, int steps, double strength) {
        int trainSteps = cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS);
        checkSteps("lcm", steps, trainSteps);
        cfg.requireNeutral(ConfigKey.THRESHOLDING, false, "lcm");
        int original = cfg.integer(ConfigKey.ORIGINAL_INFERENCE_STEPS);
        if (original > trainSteps) {
            throw GenloomException.invalidInput(cfg.where() + ": \"original_inference_steps\" = " + original
                    + " is above \"num_train_timesteps\" = " + trainSteps, "Use at most " + trainSteps);
        }
        if (steps > original) {
            throw GenloomException.invalidInput("The lcm scheduler cannot run " + steps + " steps: its timesteps are "
                    + "picked from the " + original + " of the distillation schedule (original_inference_steps)",
                    "Use at most " + original + " steps (LCM models want 2 to 8)");
        }
        int k = trainSteps / original;
        int available = (int) (original * strength);
        if (available < steps) {
            throw GenloomException.invalidInput("The lcm scheduler cannot run " + steps + " steps at strength " + strength
                    + ": only " + available + " of the " + original + " distillation timesteps lie below it",
                    "Use at most " + available + " steps or a strength of at least " + ((double) steps / original));
        }
        double[] timesteps = new double[steps];
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor(i * ((double) available / steps)); // floor(linspace(0, n, steps, endpoint=False))
            timesteps[i] = (double) (available - index) * k - 1;
        }
        return new LcmScheduler(timesteps, cfg, strength);
    }

    /** The image-to-image strength the run's timesteps were picked for (1 for text-to-image). */
    double strength() {
        return strength;
    }

    @Override
    public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        checkIndex(i);
        checkSameLength(modelOutput, sample);
        int t = (int) timestep(i);
        boolean last = i == steps() - 1;
        NoiseLevel now = level(t);
        NoiseLevel next = level(last ? t : (int) timestep(i + 1));
        double scaled = t * scaling;
        double skip = SIGMA_DATA * SIGMA_DATA / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        double out = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        float[] fresh = last ? null : requireNoise(noise, name()).next(sample.length);
        float[] x = new float[sample.length];
        for (int k = 0; k < x.length; k++) {
            double x0 = Math.max(-clip, Math.min(clip, now.original(prediction(), modelOutput[k], sample[k])));
            double denoised = out * x0 + skip * sample[k];
            x[k] = (float) (last ? denoised : next.noised(denoised, fresh[k]));
        }
        return x;
    }
}
