package dev.genloom.plugins.diffusion.scheduler;

/**
 * The samplers of the variance-exploding view (Euler, Euler ancestral, LMS): the sample is
 * {@code x = x0 + sigma * eps}, the UNet sees {@code x / sqrt(sigma^2 + 1)}, the run starts from
 * noise of standard deviation about {@code sigma_max} and ends at the last sigma (zero, or the
 * smallest training sigma). Holds the run's sigmas, one more than its steps.
 */
abstract class SigmaScheduler extends AbstractScheduler {
    private final double[] sigmas;
    private final double initNoiseSigma;
    private final PredictionType prediction;

    SigmaScheduler(String name, double[] timesteps, double[] sigmas, TimestepSpacing spacing, PredictionType prediction) {
        super(name, timesteps);
        this.sigmas = sigmas;
        this.prediction = prediction;
        double max = 0;
        for (double s : sigmas) {
            max = Math.max(max, s);
        }
        // diffusers: the largest sigma for linspace and trailing, sqrt(max^2 + 1) for leading
        this.initNoiseSigma = spacing == TimestepSpacing.LEADING ? Math.sqrt(max * max + 1) : max;
    }

    /** A run's timesteps and their sigmas, before the final sigma is appended. */
    record Plan(double[] timesteps, double[] sigmas) {
    }

    /**
     * The timesteps (as float32, like diffusers) of a run and their sigmas, interpolated linearly
     * in the training sigmas; with Karras sigmas, rho-7 spaced between {@code sigmaMax} and
     * {@code sigmaMin} (null: the first and last interpolated ones) and the timesteps taken back
     * from them.
     */
    static Plan interpolated(NoiseSchedule schedule, SchedulerConfig cfg, int steps, boolean karras,
                             Object sigmaMin, Object sigmaMax) {
        double[] t = Timesteps.float32(Timesteps.of(cfg.choice(ConfigKey.TIMESTEP_SPACING, TimestepSpacing.class),
                cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS), steps, cfg.integer(ConfigKey.STEPS_OFFSET)));
        double[] s = schedule.sigmasAt(t);
        if (karras) {
            double max = sigmaMax == null ? s[0] : (Double) sigmaMax;
            double min = sigmaMin == null ? s[s.length - 1] : (Double) sigmaMin;
            s = NoiseSchedule.karras(max, min, steps);
            t = Timesteps.float32(schedule.timestepsOf(s));
        }
        return new Plan(t, s);
    }

    @Override
    public final double initNoiseSigma() {
        return initNoiseSigma;
    }

    /** The run's sigmas: one per step and the final one. */
    final double[] sigmas() {
        return sigmas.clone();
    }

    /** sigma at step i (i may be the step count: the final sigma). */
    final double sigma(int i) {
        return sigmas[i];
    }

    @Override
    public final float[] scaleModelInput(float[] sample, int i) {
        checkIndex(i);
        double scale = 1 / Math.sqrt(sigmas[i] * sigmas[i] + 1);
        float[] out = new float[sample.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (sample[k] * scale);
        }
        return out;
    }

    @Override
    public final float[] addNoise(float[] original, float[] noise, int i) {
        checkIndex(i);
        checkSameLength(original, noise);
        float[] out = new float[original.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (original[k] + sigmas[i] * noise[k]);
        }
        return out;
    }

    /** The clean sample the model output stands for at step i. */
    final double[] original(float[] modelOutput, int i, float[] sample) {
        checkSameLength(modelOutput, sample);
        NoiseLevel level = NoiseLevel.ofSigma(sigmas[i]);
        double[] x0 = new double[sample.length];
        for (int k = 0; k < x0.length; k++) {
            x0[k] = level.original(prediction, modelOutput[k], sample[k] * level.signal());
        }
        return x0;
    }
}
