package dev.genloom.plugins.diffusion.sd;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.plugins.diffusion.scheduler.NoiseSource;
import dev.genloom.plugins.diffusion.scheduler.Scheduler;

import java.util.Arrays;

/**
 * The sampling loop: at each step, the UNet's prediction for every image (and, with classifier-free
 * guidance, for the negative prompt too), guidance applied, and each image's scheduler stepped.
 * Images of a batch share the UNet calls where the export takes a batch (one call of
 * {@code 2 x images} rows with guidance, negative rows first), and are called one row at a time
 * where its batch is fixed at 1. Each image keeps its own scheduler and noise, so an image comes
 * out the same alone or in a batch.
 */
final class Denoiser {

    /** Told after each step, with the latents of every image. */
    @FunctionalInterface
    interface StepHook {
        void afterStep(int step, double timestep, float[][] latents);
    }

    /**
     * Inpainting inputs. {@code mask} is {@code [h, w]} in the latents' size, 1 where the picture is
     * redrawn. An inpainting UNet (9 channels) also takes the masked picture's latents; an ordinary
     * one keeps the picture by blending: after each step, outside the mask, the latents are
     * replaced by the clean latents noised to the next step's level ({@code clean}, {@code noise}
     * per image), and by the clean latents themselves after the last step.
     */
    record Inpaint(float[] mask, float[] maskedLatents, float[][] clean, float[][] noise) {
    }

    private final Unet unet;
    private final Conditioning conditioning;
    private final int latentChannels;
    private final int height;
    private final int width;
    private final double guidance;
    private final double rescale;

    Denoiser(Unet unet, Conditioning conditioning, int latentChannels, int height, int width, double guidance,
             double rescale) {
        this.unet = unet;
        this.conditioning = conditioning;
        this.latentChannels = latentChannels;
        this.height = height;
        this.width = width;
        this.guidance = guidance;
        this.rescale = rescale;
    }

    /**
     * Runs steps {@code start} to the last of every image's scheduler on the latents (changed in place).
     *
     * @param inpaint null for none
     */
    void run(Scheduler[] schedulers, float[][] latents, NoiseSource[] noise, int start, Inpaint inpaint, StepHook hook) {
        int images = latents.length;
        int plane = height * width;
        int size = latentChannels * plane;
        boolean guided = conditioning.guided();
        int rows = guided ? 2 * images : images;
        int steps = schedulers[0].steps();
        for (int i = start; i < steps; i++) {
            double t = schedulers[0].timesteps()[i];
            float[][] input = new float[images][];
            for (int b = 0; b < images; b++) {
                input[b] = unetInput(schedulers[b].scaleModelInput(latents[b], i), inpaint);
            }
            float[][] predicted = new float[rows][];
            int perCall = unet.fixedBatchOne ? 1 : rows;
            for (int from = 0; from < rows; from += perCall) {
                int n = Math.min(perCall, rows - from);
                boolean[] positive = new boolean[n];
                int inSize = input[0].length;
                float[] sample = new float[n * inSize];
                for (int r = 0; r < n; r++) {
                    int row = from + r;
                    positive[r] = !guided || row >= images;
                    System.arraycopy(input[row % images], 0, sample, r * inSize, inSize);
                }
                float[] out = unet.predict(sample, n, height, width, t, conditioning.tensors(positive));
                if (out.length != n * size) {
                    throw GenloomException.runFailed("the UNet gave " + out.length + " values for " + n + " samples of "
                            + latentChannels + "x" + height + "x" + width, null);
                }
                for (int r = 0; r < n; r++) {
                    float[] one = new float[size];
                    System.arraycopy(out, r * size, one, 0, size);
                    predicted[from + r] = one;
                }
            }
            for (int b = 0; b < images; b++) {
                float[] eps = guided ? guide(predicted[b], predicted[images + b]) : predicted[b];
                requireFinite(eps, i, t);
                latents[b] = schedulers[b].step(eps, i, latents[b], noise[b]);
                if (inpaint != null && inpaint.clean() != null) {
                    blend(latents[b], i + 1 < steps ? schedulers[b].addNoise(inpaint.clean()[b], inpaint.noise()[b], i + 1)
                            : inpaint.clean()[b], inpaint.mask());
                }
            }
            hook.afterStep(i, t, latents);
        }
    }

    /** The UNet's input for one image: the scaled latents, and the mask and masked latents for a 9-channel UNet. */
    private float[] unetInput(float[] scaled, Inpaint inpaint) {
        if (!unet.inpainting()) {
            return scaled;
        }
        int plane = height * width;
        float[] in = new float[9 * plane];
        System.arraycopy(scaled, 0, in, 0, 4 * plane);
        if (inpaint != null) {
            System.arraycopy(inpaint.mask(), 0, in, 4 * plane, plane);
            System.arraycopy(inpaint.maskedLatents(), 0, in, 5 * plane, 4 * plane);
        } else {
            // no mask: everything is redrawn, nothing of a picture is kept
            Arrays.fill(in, 4 * plane, 5 * plane, 1f);
        }
        return in;
    }

    /**
     * Classifier-free guidance, {@code u + g (c - u)}, and where asked the rescale of Lin et al.
     * (2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", eq. 15-16): the guided
     * prediction scaled to the standard deviation of the conditional one, mixed in by {@code rescale}.
     */
    float[] guide(float[] uncond, float[] cond) {
        float[] out = new float[cond.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (uncond[k] + guidance * (cond[k] - uncond[k]));
        }
        if (rescale > 0) {
            double factor = std(cond) / std(out);
            for (int k = 0; k < out.length; k++) {
                out[k] = (float) (rescale * out[k] * factor + (1 - rescale) * out[k]);
            }
        }
        return out;
    }

    /** The standard deviation with Bessel's correction, as torch's {@code std} computes it. */
    static double std(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double ss = 0;
        for (float x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / Math.max(1, v.length - 1));
    }

    /** Outside the mask the picture's latents, inside what was drawn. */
    private void blend(float[] latents, float[] keep, float[] mask) {
        int plane = height * width;
        for (int c = 0; c < latentChannels; c++) {
            for (int p = 0; p < plane; p++) {
                int k = c * plane + p;
                latents[k] = (1 - mask[p]) * keep[k] + mask[p] * latents[k];
            }
        }
    }

    private static void requireFinite(float[] v, int step, double t) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new GenloomException(ErrorKind.RUN_FAILED, "the UNet predicted NaN or infinite values at step "
                        + (step + 1) + " (timestep " + t + ")",
                        "an fp16 UNet can overflow: try the fp32 export (dtype: fp32), another scheduler (--scheduler euler), "
                                + "or a lower guidance");
            }
        }
    }
}
