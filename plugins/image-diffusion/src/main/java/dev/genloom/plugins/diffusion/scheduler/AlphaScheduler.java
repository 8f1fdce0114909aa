package dev.genloom.plugins.diffusion.scheduler;

/**
 * The samplers of the variance-preserving view that step between integer training timesteps
 * (DDIM, PNDM, LCM): the sample is {@code sqrt(abar_t) x0 + sqrt(1 - abar_t) eps}, the UNet sees it
 * unscaled and the run starts from standard-normal noise. Past timestep 0 the final abar is 1
 * ({@code set_alpha_to_one}) or abar_0.
 */
abstract class AlphaScheduler extends AbstractScheduler {
    private final NoiseSchedule schedule;
    private final double finalAlphaCumprod;
    private final PredictionType prediction;

    AlphaScheduler(String name, double[] timesteps, NoiseSchedule schedule, boolean setAlphaToOne,
                   PredictionType prediction) {
        super(name, timesteps);
        this.schedule = schedule;
        this.finalAlphaCumprod = setAlphaToOne ? 1.0 : schedule.alphaCumprod(0);
        this.prediction = prediction;
    }

    /** The integer timesteps of a spacing, highest first (linspace rounded). */
    static double[] integerTimesteps(SchedulerConfig cfg, int steps) {
        return Timesteps.rounded(Timesteps.of(cfg.choice(ConfigKey.TIMESTEP_SPACING, TimestepSpacing.class),
                cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS), steps, cfg.integer(ConfigKey.STEPS_OFFSET)));
    }

    @Override
    public final double initNoiseSigma() {
        return 1.0;
    }

    @Override
    public final float[] scaleModelInput(float[] sample, int i) {
        checkIndex(i);
        return sample.clone();
    }

    @Override
    public final float[] addNoise(float[] original, float[] noise, int i) {
        checkIndex(i);
        checkSameLength(original, noise);
        NoiseLevel level = level((int) timestep(i));
        float[] out = new float[original.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) level.noised(original[k], noise[k]);
        }
        return out;
    }

    /** The noise level at a training timestep; below 0, the final one. */
    final NoiseLevel level(int t) {
        return NoiseLevel.ofAlphaCumprod(t >= 0 ? schedule.alphaCumprod(t) : finalAlphaCumprod);
    }

    /** What the config says the UNet predicts. */
    final PredictionType prediction() {
        return prediction;
    }

    /** {@code num_train_timesteps}. */
    final int trainSteps() {
        return schedule.trainSteps();
    }
}
