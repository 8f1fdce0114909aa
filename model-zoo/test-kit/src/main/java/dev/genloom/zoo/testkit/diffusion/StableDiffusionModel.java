package dev.genloom.zoo.testkit.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.ExternalData;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stable Diffusion pipeline folders in the layouts users bring, with seeded random weights and
 * small but real networks. {@link #write(Path, Config, TimestepType)} writes the layout of diffusers'
 * ONNX export script ({@code convert_stable_diffusion_checkpoint_to_onnx.py}, read by
 * {@code OnnxStableDiffusionPipeline}):
 *
 * <pre>
 * model_index.json                  OnnxStableDiffusionPipeline, components as diffusers lists them
 * scheduler/scheduler_config.json   PNDMScheduler, SD 1.x's betas (scaled_linear 0.00085..0.012)
 * tokenizer/                        vocab.json, merges.txt, tokenizer_config.json,
 *                                   special_tokens_map.json ({@code CLIPTokenizer}) and tokenizer.json ({@link ClipBpe})
 * text_encoder/model.onnx  input_ids int32 [batch, sequence]
 *                          -> last_hidden_state float [batch, sequence, hidden], pooler_output float [batch, hidden]
 * unet/model.onnx          sample float [batch, channels, height, width], timestep int64 or float [batch],
 *                          encoder_hidden_states float [batch, sequence, hidden]
 *                          -> out_sample float [batch, 4, height, width]
 * vae_decoder/model.onnx   latent_sample float [batch, channels, height, width]
 *                          -> sample float [batch, 3, image_height, image_width]  (8x the latent)
 * vae_encoder/model.onnx   sample float [batch, channels, height, width]
 *                          -> latent_sample float [batch, 4, latent_height, latent_width]  (1/8 of the image)
 * </pre>
 *
 * {@link #write(Path, SdVariant)} writes any {@link SdVariant}: Optimum's layouts ({@link Exporter}),
 * v-prediction, inpainting, external-data, batch-1, LCM, SDXL and fp16 exports; the kit's named
 * variants are the static {@code tiny...()} methods. {@link #writeSd15Size} writes SD 1.5's
 * architecture at full size for benchmarks.
 *
 * <p>The timestep is declared, in the script's layout, one-dimensional with axis {@code batch};
 * pipelines feed a single step ({@code [1]}), which the network broadcasts over the batch, or one per
 * sample. Exports differ in its element type and rank ({@link TimestepType}); every form holds the
 * same weights and computes the same function.
 *
 * <p>The networks are diffusers' architectures over small block configurations: the text encoder
 * is CLIP's ({@link ClipText}), the UNet a {@code UNet2DConditionModel} ({@link UNet} over a
 * {@link UNetSpec}: two levels of {@code unetChannels} and 1.5x that, one layer per block,
 * cross-attention in the first level, GEGLU transformers), the VAE an {@code AutoencoderKL}
 * ({@link Vae}: four levels of {@code vaeChannels}, mid attention; the tiny decoder ends in a
 * {@code Tanh} to keep its images in [-1, 1], and the encoders return the mean rather than a sample).
 */
public final class StableDiffusionModel {

    /** Element type and rank of the UNet's {@code timestep} input. */
    public enum TimestepType {
        /** {@code tensor(int64) [batch]}, as older diffusers exports write it. */
        INT64(ElementType.INT64),
        /** {@code tensor(float) [batch]}, as diffusers' export script traces it. */
        FLOAT(ElementType.FLOAT),
        /** {@code tensor(float) []}, a scalar, as Optimum 1.24+ exports it. */
        FLOAT_SCALAR(ElementType.FLOAT),
        /** {@code tensor(int64) [steps]}, as Optimum before 1.24 exported it. */
        INT64_STEPS(ElementType.INT64);

        private final ElementType elementType;

        TimestepType(ElementType elementType) {
            this.elementType = elementType;
        }

        /** The element type in an fp32 export (float types become float16 in an fp16 one). */
        public ElementType elementType() {
            return elementType;
        }

        public boolean isFloat() {
            return elementType == ElementType.FLOAT;
        }

        /** The dims declared: the batch axis, {@code steps}, or none. */
        Object[] dims(Exporter exporter, Object batchDim) {
            return switch (this) {
                case INT64, FLOAT -> new Object[] {batchDim};
                case INT64_STEPS -> new Object[] {"steps"};
                case FLOAT_SCALAR -> new Object[0];
            };
        }
    }

    /** Folder names of the pipeline's parts. */
    public static final String TEXT_ENCODER = "text_encoder";
    public static final String UNET = "unet";
    public static final String VAE_DECODER = "vae_decoder";
    public static final String VAE_ENCODER = "vae_encoder";
    public static final String TOKENIZER = "tokenizer";
    public static final String SCHEDULER = "scheduler";
    public static final String TEXT_ENCODER_2 = "text_encoder_2";
    public static final String TOKENIZER_2 = "tokenizer_2";
    public static final String MODEL_FILE = "model.onnx";
    /** Each part's config, as Optimum writes it. */
    public static final String CONFIG_FILE = "config.json";
    /** The external weights of a model, as Optimum names them. */
    public static final String EXTERNAL_DATA_FILE = "model.onnx_data";
    /** What diffusers' {@code model_index.json} says wrote the folder. */
    public static final String DIFFUSERS_VERSION = "0.6.0";
    /** The VAE's {@code scaling_factor}: pipelines divide latents by it before the decoder. */
    public static final double VAE_SCALING_FACTOR = 0.18215;
    /** SDXL's VAE {@code scaling_factor}. */
    public static final double VAE_SCALING_FACTOR_XL = 0.13025;
    /** Latent channels of Stable Diffusion's VAE and UNet. */
    public static final int LATENT_CHANNELS = 4;
    /** The VAE's spatial factor: image side = 8 x latent side. */
    public static final int VAE_FACTOR = 8;

    /**
     * Sizes and seed. {@code merges} sets the tokenizer and so the text vocabulary
     * ({@code 512 + merges + 2}); {@code textPositions} is CLIP's 77.
     */
    public record Config(int textHidden, int textHeads, int textLayers, int textPositions, int merges,
                         int unetChannels, int unetHeads, int vaeChannels, int groups, long seed) {
        public Config {
            if (textHidden % textHeads != 0) {
                throw new IllegalArgumentException("text hidden " + textHidden + " is not a multiple of " + textHeads + " heads");
            }
            if (unetChannels % unetHeads != 0 || unetChannels % 2 != 0) {
                throw new IllegalArgumentException("unet channels " + unetChannels + " must be even and a multiple of " + unetHeads + " heads");
            }
            if (unetChannels % groups != 0 || vaeChannels % groups != 0) {
                throw new IllegalArgumentException("channels must split into " + groups + " groups");
            }
        }

        public int vocabSize() {
            return 512 + merges + 2;
        }

        /** Width of the UNet's time embedding (4x its channels, as diffusers). */
        public int timeEmbedDim() {
            return 4 * unetChannels;
        }
    }

    /**
     * The test kit's tiny pipeline: text hidden 32 (4 heads, 2 layers, 77 positions, 576 tokens),
     * UNet 16 channels (2 heads), VAE 8 channels, GroupNorm in 4 groups.
     */
    public static final Config TINY = new Config(32, 4, 2, 77, 62, 16, 2, 8, 4, 1234);

    private StableDiffusionModel() {
    }

    // ---------------------------------------------------------------- the kit's variants

    /** {@code sd-tiny}: diffusers' script layout, int64 timestep. */
    public static SdVariant tiny() {
        return SdVariant.of(TINY);
    }

    /** {@code sd-tiny-v}: SD 2.1-style, Optimum layout, {@code v_prediction} (DDIM), native 96 px (sample_size 12). */
    public static SdVariant tinyV() {
        return SdVariant.optimum(TINY).withScheduler(SchedulerPreset.DDIM_V_PREDICTION).withSampleSize(12);
    }

    /** {@code sd-tiny-inpaint}: Optimum layout, UNet {@code sample} of 9 channels, {@code StableDiffusionInpaintPipeline}. */
    public static SdVariant tinyInpaint() {
        return SdVariant.optimum(TINY).withInpainting();
    }

    /** {@code sd-tiny-external}: Optimum layout with the UNet's weights in {@code unet/model.onnx_data}. */
    public static SdVariant tinyExternal() {
        return SdVariant.optimum(TINY).withExternalUnet();
    }

    /** {@code sd-tiny-batch1}: the script's layout with the UNet's batch fixed to 1. */
    public static SdVariant tinyBatchOne() {
        return SdVariant.of(TINY).withBatchOne();
    }

    /** {@code sd-tiny-lcm}: older Optimum (int64 {@code [steps]} timestep), {@code timestep_cond [batch, 256]}, LCMScheduler. */
    public static SdVariant tinyLcm() {
        return SdVariant.of(TINY).withExporter(Exporter.OPTIMUM_LEGACY).withTimeCond(SdVariant.LCM_TIME_COND_DIM)
                .withScheduler(SchedulerPreset.LCM);
    }

    /** {@code sdxl-tiny}: Optimum's SDXL layout, EulerDiscrete (leading). */
    public static SdVariant tinyXl() {
        return SdVariant.optimum(TINY).withXl().withScheduler(SchedulerPreset.EULER_XL);
    }

    /** {@code sdxl-turbo-tiny}: the SDXL layout with SDXL-Turbo's scheduler (EulerAncestral, trailing). */
    public static SdVariant tinyXlTurbo() {
        return tinyXl().withScheduler(SchedulerPreset.EULER_ANCESTRAL_TURBO);
    }

    /** {@code sd-tiny-fp16}: Optimum layout exported in float16. */
    public static SdVariant tinyFp16() {
        return SdVariant.optimum(TINY).withFp16();
    }

    // ---------------------------------------------------------------- writing

    /** Writes the whole pipeline folder (the script's layout, {@code timestep} as given) and returns it. */
    public static Path write(Path folder, Config c, TimestepType timestep) {
        return write(folder, SdVariant.of(c).withTimestep(timestep));
    }

    /** Writes the pipeline folder of {@code v} and returns it. */
    public static Path write(Path folder, SdVariant v) {
        Config c = v.config();
        boolean optimum = v.exporter().isOptimum();
        ClipBpe tokenizer = tokenizer(c);
        Json.write(folder.resolve("model_index.json"), DiffusersConfigs.modelIndex(v));
        Json.write(folder.resolve(SCHEDULER).resolve("scheduler_config.json"), v.scheduler().json());
        writeTokenizer(folder.resolve(TOKENIZER), tokenizer, c.textPositions(), false);
        ExportForm parts = v.partForm();
        ClipText text = v.textEncoder();
        text.build(parts, false, v.xl(), c.seed(), null).write(folder.resolve(TEXT_ENCODER).resolve(MODEL_FILE));
        if (optimum) {
            Json.write(folder.resolve(TEXT_ENCODER).resolve(CONFIG_FILE), DiffusersConfigs.text(text, false, tokenizer, v.fp16()));
        }
        if (v.xl()) {
            ClipText two = v.textEncoder2();
            writeTokenizer(folder.resolve(TOKENIZER_2), tokenizer, c.textPositions(), true);
            two.build(parts, true, true, c.seed() + 2, null).write(folder.resolve(TEXT_ENCODER_2).resolve(MODEL_FILE));
            Json.write(folder.resolve(TEXT_ENCODER_2).resolve(CONFIG_FILE), DiffusersConfigs.text(two, true, tokenizer, v.fp16()));
        }
        writeUnet(folder.resolve(UNET), v.unet(), v.unetForm(), v.timestep(), c.seed(), v.externalUnet());
        if (optimum) {
            Json.write(folder.resolve(UNET).resolve(CONFIG_FILE), DiffusersConfigs.unet(v.unet(), v.fp16()));
        }
        Vae vae = v.vae();
        vae.decoder(parts, c.seed(), null).write(folder.resolve(VAE_DECODER).resolve(MODEL_FILE));
        vae.encoder(parts, c.seed(), null).write(folder.resolve(VAE_ENCODER).resolve(MODEL_FILE));
        if (optimum) {
            Json.write(folder.resolve(VAE_DECODER).resolve(CONFIG_FILE), DiffusersConfigs.vae(vae));
            Json.write(folder.resolve(VAE_ENCODER).resolve(CONFIG_FILE), DiffusersConfigs.vae(vae));
        }
        return folder;
    }

    /**
     * Writes {@code unet/model.onnx}, with {@code external} its weights of 1 KiB or more streamed to
     * {@code unet/model.onnx_data} as they are made (what Optimum writes for a UNet over 2 GB).
     */
    public static Path writeUnet(Path unetFolder, UNetSpec spec, ExportForm form, TimestepType timestep, long seed,
                                 boolean external) {
        Path model = unetFolder.resolve(MODEL_FILE);
        if (!external) {
            return UNet.build(spec, form, timestep, seed, null).write(model);
        }
        try (ExternalData data = ExternalData.create(unetFolder.resolve(EXTERNAL_DATA_FILE))) {
            return UNet.build(spec, form, timestep, seed, data).write(model);
        }
    }

    /**
     * Writes {@code sd15-size}: Stable Diffusion 1.5's architecture at full size with seeded random
     * weights, in Optimum's layout (fp32, float scalar timestep): the CLIP ViT-L/14 text encoder
     * (123 M parameters, inline), the UNet ({@link UNetSpec#SD15}, 859.5 M, in {@code unet/model.onnx_data},
     * streamed), and the VAE decoder and encoder ({@link Vae#SD}, 49.5 M and 34.2 M, inline); about
     * 4.3 GB. The tokenizer is the kit's (its ids fit the 49408-token table). {@code unetSpec} and
     * {@code vae} may be reduced (same architecture, fewer channels) for a quick check.
     */
    public static Path writeRealSize(Path folder, ClipText text, UNetSpec unetSpec, Vae vae, long seed) {
        SdVariant v = SdVariant.optimum(TINY).withSampleSize(unetSpec.sampleSize());
        ClipBpe tokenizer = tokenizer(TINY);
        if (tokenizer.vocabSize() > text.vocab()) {
            throw new IllegalArgumentException("the kit's tokenizer has " + tokenizer.vocabSize() + " tokens, the encoder " + text.vocab());
        }
        ExportForm form = ExportForm.of(Exporter.OPTIMUM);
        Json.write(folder.resolve("model_index.json"), DiffusersConfigs.modelIndex(v));
        Json.write(folder.resolve(SCHEDULER).resolve("scheduler_config.json"), SchedulerPreset.PNDM_SD1.json());
        writeTokenizer(folder.resolve(TOKENIZER), tokenizer, text.positions(), false);
        text.build(form, false, false, seed, null).write(folder.resolve(TEXT_ENCODER).resolve(MODEL_FILE));
        Json.write(folder.resolve(TEXT_ENCODER).resolve(CONFIG_FILE), DiffusersConfigs.text(text, false, tokenizer, false));
        writeUnet(folder.resolve(UNET), unetSpec, form, TimestepType.FLOAT_SCALAR, seed, true);
        Json.write(folder.resolve(UNET).resolve(CONFIG_FILE), DiffusersConfigs.unet(unetSpec, false));
        vae.decoder(form, seed, null).write(folder.resolve(VAE_DECODER).resolve(MODEL_FILE));
        vae.encoder(form, seed, null).write(folder.resolve(VAE_ENCODER).resolve(MODEL_FILE));
        Json.write(folder.resolve(VAE_DECODER).resolve(CONFIG_FILE), DiffusersConfigs.vae(vae));
        Json.write(folder.resolve(VAE_ENCODER).resolve(CONFIG_FILE), DiffusersConfigs.vae(vae));
        return folder;
    }

    /** {@link #writeRealSize} at Stable Diffusion 1.5's sizes. */
    public static Path writeSd15Size(Path folder) {
        return writeRealSize(folder, ClipText.VIT_L_14, UNetSpec.SD15, Vae.SD, 1515);
    }

    private static void writeTokenizer(Path tok, ClipBpe tokenizer, int positions, boolean padWithFirstToken) {
        ObjectNode vocab = tokenizer.vocabJson();
        ObjectNode config = tokenizer.tokenizerConfig(positions);
        ObjectNode special = tokenizer.specialTokensMap();
        ObjectNode json = tokenizer.tokenizerJson(positions);
        if (padWithFirstToken) {
            // SDXL's tokenizer_2 (OpenCLIP bigG) pads with "!", id 0, rather than with the eos
            String pad = tokenizer.vocab().get(0);
            config.put("pad_token", pad);
            special.put("pad_token", pad);
            ObjectNode padding = (ObjectNode) json.get("padding");
            padding.put("pad_id", 0);
            padding.put("pad_token", pad);
        }
        Json.write(tok.resolve("vocab.json"), vocab);
        writeText(tok.resolve("merges.txt"), tokenizer.mergesTxt());
        Json.write(tok.resolve("tokenizer_config.json"), config);
        Json.write(tok.resolve("special_tokens_map.json"), special);
        Json.write(tok.resolve("tokenizer.json"), json);
    }

    public static ClipBpe tokenizer(Config c) {
        return new ClipBpe(c.merges());
    }

    // ---------------------------------------------------------------- parts of the script layout

    /** CLIP's text transformer, as the script exports it. */
    public static OnnxModel textEncoder(Config c) {
        return SdVariant.of(c).textEncoder().build(ExportForm.of(Exporter.DIFFUSERS_SCRIPT), false, false, c.seed(), null);
    }

    /** The conditional UNet, with {@code timestep} of the given form, as the script exports it. */
    public static OnnxModel unet(Config c, TimestepType timestepType) {
        SdVariant v = SdVariant.of(c).withTimestep(timestepType);
        return UNet.build(v.unet(), v.unetForm(), timestepType, c.seed(), null);
    }

    /** The VAE decoder: latents to an image 8x as large, in [-1, 1]. */
    public static OnnxModel vaeDecoder(Config c) {
        return SdVariant.of(c).vae().decoder(ExportForm.of(Exporter.DIFFUSERS_SCRIPT), c.seed(), null);
    }

    /** The VAE encoder: an image to latents 1/8 as large (the distribution's mean). */
    public static OnnxModel vaeEncoder(Config c) {
        return SdVariant.of(c).vae().encoder(ExportForm.of(Exporter.DIFFUSERS_SCRIPT), c.seed(), null);
    }

    // ---------------------------------------------------------------- configs

    /** {@code model_index.json} of {@code OnnxStableDiffusionPipeline}, without safety checker. */
    public static ObjectNode modelIndex() {
        return DiffusersConfigs.modelIndex(tiny());
    }

    /** {@code scheduler/scheduler_config.json}: Stable Diffusion 1.x's PNDMScheduler. */
    public static ObjectNode schedulerConfig() {
        return SchedulerPreset.PNDM_SD1.json();
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
