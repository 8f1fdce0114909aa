package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.Config;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;
import java.util.Objects;

/**
 * Which Stable Diffusion export layout {@link StableDiffusionModel#write(java.nio.file.Path, SdVariant)} writes:
 * the sizes ({@link Config}), the exporter, the UNet's timestep form, fp16 or fp32, a batch axis
 * fixed to 1, inpainting (9 input channels), LCM's {@code timestep_cond}, the SDXL layout (two text
 * encoders, {@code text_embeds} and {@code time_ids}), UNet weights in {@code unet/model.onnx_data},
 * the scheduler config and the UNet's native {@code sample_size}. Immutable; {@code with...} gives a changed copy.
 *
 * <pre>{@code
 * SdVariant v = SdVariant.optimum(StableDiffusionModel.TINY).withTimeCond(256).withScheduler(SchedulerPreset.LCM);
 * StableDiffusionModel.write(dir.resolve("sd-tiny-lcm"), v);
 * }</pre>
 */
public record SdVariant(Config config, Exporter exporter, TimestepType timestep, boolean fp16, boolean batchOne,
                        int unetInChannels, int timeCondDim, boolean xl, boolean externalUnet,
                        SchedulerPreset scheduler, int sampleSize) {

    /** LCM's {@code time_cond_proj_dim}. */
    public static final int LCM_TIME_COND_DIM = 256;
    /** Input channels of an inpainting UNet: 4 latents, 1 mask, 4 masked-image latents. */
    public static final int INPAINT_CHANNELS = 9;

    public SdVariant {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(exporter, "exporter");
        Objects.requireNonNull(timestep, "timestep");
        Objects.requireNonNull(scheduler, "scheduler");
        if (unetInChannels != StableDiffusionModel.LATENT_CHANNELS && unetInChannels != INPAINT_CHANNELS) {
            throw new IllegalArgumentException("a UNet takes 4 or 9 channels, not " + unetInChannels);
        }
        if (xl && !exporter.isOptimum()) {
            throw new IllegalArgumentException("the SDXL layout is Optimum's; diffusers' script exports no SDXL");
        }
    }

    /** diffusers' export script's layout: int64 {@code [batch]} timestep, PNDM, fp32 (the kit's {@code sd-tiny}). */
    public static SdVariant of(Config config) {
        return new SdVariant(config, Exporter.DIFFUSERS_SCRIPT, TimestepType.INT64, false, false,
                StableDiffusionModel.LATENT_CHANNELS, 0, false, false, SchedulerPreset.PNDM_SD1, 8);
    }

    /** Optimum's layout (1.24+: float scalar timestep), per-part {@code config.json}, PNDM. */
    public static SdVariant optimum(Config config) {
        return of(config).withExporter(Exporter.OPTIMUM);
    }

    /** Changes the exporter and takes its default timestep form. */
    public SdVariant withExporter(Exporter e) {
        return new SdVariant(config, e, e.defaultTimestep(), fp16, batchOne, unetInChannels, timeCondDim, xl, externalUnet, scheduler, sampleSize);
    }

    public SdVariant withTimestep(TimestepType t) {
        return new SdVariant(config, exporter, t, fp16, batchOne, unetInChannels, timeCondDim, xl, externalUnet, scheduler, sampleSize);
    }

    public SdVariant withFp16() {
        return new SdVariant(config, exporter, timestep, true, batchOne, unetInChannels, timeCondDim, xl, externalUnet, scheduler, sampleSize);
    }

    /** The UNet's batch dims fixed to 1 (a pipeline then calls it once per guidance branch). */
    public SdVariant withBatchOne() {
        return new SdVariant(config, exporter, timestep, fp16, true, unetInChannels, timeCondDim, xl, externalUnet, scheduler, sampleSize);
    }

    public SdVariant withInpainting() {
        return new SdVariant(config, exporter, timestep, fp16, batchOne, INPAINT_CHANNELS, timeCondDim, xl, externalUnet, scheduler, sampleSize);
    }

    public SdVariant withTimeCond(int dim) {
        return new SdVariant(config, exporter, timestep, fp16, batchOne, unetInChannels, dim, xl, externalUnet, scheduler, sampleSize);
    }

    public SdVariant withXl() {
        return new SdVariant(config, exporter, timestep, fp16, batchOne, unetInChannels, timeCondDim, true, externalUnet, scheduler, sampleSize);
    }

    public SdVariant withExternalUnet() {
        return new SdVariant(config, exporter, timestep, fp16, batchOne, unetInChannels, timeCondDim, xl, true, scheduler, sampleSize);
    }

    public SdVariant withScheduler(SchedulerPreset s) {
        return new SdVariant(config, exporter, timestep, fp16, batchOne, unetInChannels, timeCondDim, xl, externalUnet, s, sampleSize);
    }

    /** The UNet's {@code sample_size} (native latent side; image side = 8x). */
    public SdVariant withSampleSize(int size) {
        return new SdVariant(config, exporter, timestep, fp16, batchOne, unetInChannels, timeCondDim, xl, externalUnet, scheduler, size);
    }

    // ---------------------------------------------------------------- the parts

    /** How the UNet is exported. */
    public ExportForm unetForm() {
        ExportForm f = partForm();
        return batchOne ? f.withBatchOne() : f;
    }

    /** How the other parts are exported (the batch stays dynamic there). */
    public ExportForm partForm() {
        ExportForm f = ExportForm.of(exporter);
        return fp16 ? f.fp16() : f;
    }

    public ElementType floatType() {
        return fp16 ? ElementType.FLOAT16 : ElementType.FLOAT;
    }

    /** The (first) text encoder: CLIP ViT-L-like, quick GELU. */
    public ClipText textEncoder() {
        Config c = config;
        return new ClipText(c.textHidden(), c.textHeads(), c.textLayers(), c.textPositions(), c.vocabSize(),
                4 * c.textHidden(), true, c.textHidden());
    }

    /** SDXL's second text encoder: wider, exact GELU, with a projection. */
    public ClipText textEncoder2() {
        Config c = config;
        int hidden = c.textHidden() + 16;
        return new ClipText(hidden, c.textHeads(), c.textLayers(), c.textPositions(), c.vocabSize(),
                4 * hidden, false, c.textHidden() + 8);
    }

    /** The UNet's block configuration: two levels ({@code unetChannels}, 1.5x that), one layer per block. */
    public UNetSpec unet() {
        Config c = config;
        int ch = c.unetChannels();
        UNetSpec s = new UNetSpec(unetInChannels, new int[] {ch, ch + ch / 2}, xl ? new boolean[] {false, true} : new boolean[] {true, false},
                1, c.unetHeads(), c.textHidden(), c.groups(), timeCondDim, 0, 0, sampleSize);
        if (xl) {
            ClipText two = textEncoder2();
            s = s.withTextTime(two.projectionDim(), 8, textEncoder().hidden() + two.hidden());
        }
        return s;
    }

    /** The VAE: four levels (8x), one ResNet per level, tanh output. */
    public Vae vae() {
        int v = config.vaeChannels();
        return new Vae(new int[] {v, v, v, v}, 1, config.groups(), true, true, 8 * sampleSize,
                xl ? StableDiffusionModel.VAE_SCALING_FACTOR_XL : StableDiffusionModel.VAE_SCALING_FACTOR);
    }

    /** The {@code _class_name} of {@code model_index.json}. */
    public String pipelineClass() {
        if (!exporter.isOptimum()) {
            return unetInChannels == INPAINT_CHANNELS ? "OnnxStableDiffusionInpaintPipeline" : "OnnxStableDiffusionPipeline";
        }
        if (xl) {
            return unetInChannels == INPAINT_CHANNELS ? "StableDiffusionXLInpaintPipeline" : "StableDiffusionXLPipeline";
        }
        if (timeCondDim > 0) {
            return "LatentConsistencyModelPipeline";
        }
        return unetInChannels == INPAINT_CHANNELS ? "StableDiffusionInpaintPipeline" : "StableDiffusionPipeline";
    }
}
