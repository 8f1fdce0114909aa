package dev.genloom.plugins.diffusion.scheduler;

/**
 * The sampler of one denoising run of one image: made for a number of steps, then stepped once
 * per UNet call, first step first. It keeps the run's state (multistep history), so each image of
 * a batch has its own. Latents are flat {@code float} arrays of one image ({@code channels x
 * height x width}); the caller feeds {@link #scaleModelInput} to the UNet at {@link #timesteps()}
 * {@code [i]} and hands what the UNet predicted to {@link #step}.
 *
 * <p>An image-to-image run starts part way: it noises its clean latents with
 * {@link #addNoise}{@code (latents, noise, start)} and steps from {@code start} on.
 */
public interface Scheduler {

    /** The timesteps the UNet is called at, in order, on the training scale (0..999 for SD). */
    double[] timesteps();

    /** How many steps the run has: {@code timesteps().length}. */
    default int steps() {
        return timesteps().length;
    }

    /** What the initial standard-normal noise is multiplied by before the first step. */
    double initNoiseSigma();

    /** The UNet's input at step {@code i}: the sample, scaled where the sampler wants it. */
    float[] scaleModelInput(float[] sample, int i);

    /**
     * One step: from the sample at step {@code i} and what the UNet predicted for it (noise,
     * v or the sample, as the config's {@code prediction_type} says) to the sample of step
     * {@code i + 1}.
     *
     * @param noise where an ancestral or stochastic sampler takes its fresh noise
     */
    float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise);

    /** The clean latents noised to the level of step {@code i} (a new array). */
    float[] addNoise(float[] original, float[] noise, int i);
}
