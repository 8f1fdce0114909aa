package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;

/**
 * The tool that exported a Stable Diffusion folder, which fixes the names of the dynamic axes,
 * which dims are static, the element type of {@code input_ids}, the VAE encoder's output and the
 * default form of the UNet's {@code timestep}:
 *
 * <ul>
 * <li>{@link #DIFFUSERS_SCRIPT}: diffusers' {@code convert_stable_diffusion_checkpoint_to_onnx.py}
 *     ({@code OnnxStableDiffusionPipeline}): axes {@code batch, channels, height, width, sequence};
 *     {@code input_ids} int32; VAE encoder {@code latent_sample}; no per-part {@code config.json}.</li>
 * <li>{@link #OPTIMUM}: {@code optimum-cli export onnx} since Optimum 1.24 (and optimum-onnx):
 *     axes {@code batch_size, height, width, sequence_length}, channels static; {@code input_ids} int64;
 *     {@code timestep} a float scalar (rank 0); VAE encoder {@code latent_parameters} (mean and
 *     log-variance, 8 channels) with axes {@code sample_height / 8}; VAE decoder output axes
 *     {@code latent_height * 8}; each part's {@code config.json} and the source pipeline's
 *     {@code model_index.json}.</li>
 * <li>{@link #OPTIMUM_LEGACY}: Optimum before 1.24: as {@link #OPTIMUM} but {@code timestep} int64
 *     {@code [steps]}, VAE axes {@code height_latent, width_latent} and the VAE encoder returning
 *     {@code latent_sample} (4 channels).</li>
 * </ul>
 */
public enum Exporter {
    DIFFUSERS_SCRIPT,
    OPTIMUM,
    OPTIMUM_LEGACY;

    public boolean isOptimum() {
        return this != DIFFUSERS_SCRIPT;
    }

    /** Name of the batch axis. */
    public String batch() {
        return isOptimum() ? "batch_size" : "batch";
    }

    /** Name of the text sequence axis. */
    public String sequence() {
        return isOptimum() ? "sequence_length" : "sequence";
    }

    /** The channel dim of an image or latent input: a named axis in the script, static in Optimum. */
    public Object channels(int channels) {
        return isOptimum() ? (Object) (long) channels : "channels";
    }

    /** Element type of the text encoders' {@code input_ids}. */
    public ElementType inputIds() {
        return isOptimum() ? ElementType.INT64 : ElementType.INT32;
    }

    /** The timestep form this exporter writes unless told otherwise. */
    public TimestepType defaultTimestep() {
        return switch (this) {
            case DIFFUSERS_SCRIPT -> TimestepType.INT64;
            case OPTIMUM -> TimestepType.FLOAT_SCALAR;
            case OPTIMUM_LEGACY -> TimestepType.INT64_STEPS;
        };
    }

    /** Height and width axes of the VAE decoder's input. */
    String[] decoderLatentAxes() {
        return switch (this) {
            case DIFFUSERS_SCRIPT -> new String[] {"height", "width"};
            case OPTIMUM -> new String[] {"latent_height", "latent_width"};
            case OPTIMUM_LEGACY -> new String[] {"height_latent", "width_latent"};
        };
    }

    /** Height and width axes of the VAE decoder's output, {@code factor} times its input. */
    String[] decoderImageAxes(int factor) {
        return switch (this) {
            case DIFFUSERS_SCRIPT -> new String[] {"image_height", "image_width"};
            case OPTIMUM -> new String[] {"latent_height * " + factor, "latent_width * " + factor};
            case OPTIMUM_LEGACY -> new String[] {"height", "width"};
        };
    }

    /** Height and width axes of the VAE encoder's input. */
    String[] encoderImageAxes() {
        return this == OPTIMUM ? new String[] {"sample_height", "sample_width"} : new String[] {"height", "width"};
    }

    /** Height and width axes of the VAE encoder's output, {@code 1 / factor} of its input. */
    String[] encoderLatentAxes(int factor) {
        return switch (this) {
            case DIFFUSERS_SCRIPT -> new String[] {"latent_height", "latent_width"};
            case OPTIMUM -> new String[] {"sample_height / " + factor, "sample_width / " + factor};
            case OPTIMUM_LEGACY -> new String[] {"height_latent", "width_latent"};
        };
    }

    /** Name of the VAE encoder's output. */
    public String encoderOutput() {
        return this == OPTIMUM ? "latent_parameters" : "latent_sample";
    }
}
