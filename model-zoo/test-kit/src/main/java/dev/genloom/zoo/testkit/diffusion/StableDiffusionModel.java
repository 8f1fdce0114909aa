package dev.genloom.zoo.testkit.diffusion;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Stable Diffusion pipeline folder in the layout diffusers' ONNX export
 * ({@code convert_stable_diffusion_checkpoint_to_onnx.py}, read by {@code OnnxStableDiffusionPipeline})
 * writes, with seeded random weights and small but real networks:
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
 * Input names and dynamic axis names are those of the diffusers export script. The timestep is
 * declared, as there, one-dimensional with axis {@code batch}; pipelines feed a single step
 * ({@code [1]}), which the network broadcasts over the batch, or one per sample. Exports differ
 * in its element type ({@link TimestepType}); both variants hold the same weights and compute the
 * same function. Output axes that the script leaves to the exporter get their own names here.
 *
 * <p>The networks: the text encoder is CLIP's (token + position embeddings, pre-LN layers with
 * causal self-attention and a quick-GELU MLP, final LayerNorm; pooled output = the hidden state
 * at the first position of the largest id, the eos). The UNet has conv_in, a sinusoidal timestep
 * embedding (flip_sin_to_cos, shift 0) through a SiLU MLP added in every ResNet block, one down
 * block (ResNet + transformer with self- and cross-attention to the text) with a skip, a stride-2
 * downsampler, a mid block, nearest upsampling, an up block on the concatenated skip, GroupNorm +
 * SiLU and conv_out. The VAE decoder is post_quant_conv, conv_in, a ResNet, three nearest 2x
 * upsamplings each followed by a conv, GroupNorm + SiLU, conv_out and a {@code Tanh} (the real
 * decoder is unbounded; the tanh keeps the kit's images in [-1, 1]). The VAE encoder is conv_in,
 * three stride-2 convs (padded right and bottom as diffusers' Downsample2D), a ResNet, GroupNorm +
 * SiLU, conv_out to mean and log-variance, quant_conv, and returns the mean (the real export
 * samples from the distribution; the kit stays deterministic).
 */
public final class StableDiffusionModel {

    /** Element type of the UNet's {@code timestep} input. */
    public enum TimestepType {
        /** {@code tensor(int64)}, as older diffusers exports and Optimum write it. */
        INT64(ElementType.INT64),
        /** {@code tensor(float)}, as diffusers' export script traces it. */
        FLOAT(ElementType.FLOAT);

        private final ElementType elementType;

        TimestepType(ElementType elementType) {
            this.elementType = elementType;
        }

        public ElementType elementType() {
            return elementType;
        }
    }

    /** Folder names of the pipeline's parts. */
    public static final String TEXT_ENCODER = "text_encoder";
    public static final String UNET = "unet";
    public static final String VAE_DECODER = "vae_decoder";
    public static final String VAE_ENCODER = "vae_encoder";
    public static final String TOKENIZER = "tokenizer";
    public static final String SCHEDULER = "scheduler";
    public static final String MODEL_FILE = "model.onnx";
    /** What diffusers' {@code model_index.json} says wrote the folder. */
    public static final String DIFFUSERS_VERSION = "0.6.0";
    /** The VAE's {@code scaling_factor}: pipelines divide latents by it before the decoder. */
    public static final double VAE_SCALING_FACTOR = 0.18215;
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

    /** Writes the whole pipeline folder and returns it. */
    public static Path write(Path folder, Config c, TimestepType timestep) {
        ClipBpe tokenizer = tokenizer(c);
        Json.write(folder.resolve("model_index.json"), modelIndex());
        Json.write(folder.resolve(SCHEDULER).resolve("scheduler_config.json"), schedulerConfig());
        Path tok = folder.resolve(TOKENIZER);
        Json.write(tok.resolve("vocab.json"), tokenizer.vocabJson());
        writeText(tok.resolve("merges.txt"), tokenizer.mergesTxt());
        Json.write(tok.resolve("tokenizer_config.json"), tokenizer.tokenizerConfig(c.textPositions()));
        Json.write(tok.resolve("special_tokens_map.json"), tokenizer.specialTokensMap());
        Json.write(tok.resolve("tokenizer.json"), tokenizer.tokenizerJson(c.textPositions()));
        textEncoder(c).write(folder.resolve(TEXT_ENCODER).resolve(MODEL_FILE));
        unet(c, timestep).write(folder.resolve(UNET).resolve(MODEL_FILE));
        vaeDecoder(c).write(folder.resolve(VAE_DECODER).resolve(MODEL_FILE));
        vaeEncoder(c).write(folder.resolve(VAE_ENCODER).resolve(MODEL_FILE));
        return folder;
    }

    public static ClipBpe tokenizer(Config c) {
        return new ClipBpe(c.merges());
    }

    private static OnnxModel model(Graph g, String doc) {
        return new OnnxModel(g).opset(17).docString(doc);
    }

    // ---------------------------------------------------------------- text encoder

    /** CLIP's text transformer. */
    public static OnnxModel textEncoder(Config c) {
        Graph g = new Graph("text_encoder");
        g.input("input_ids", ElementType.INT32, "batch", "sequence");
        Weights w = new Weights(g, c.seed(), ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        String e = "text_model.embeddings";
        String tokens = b.embedding("input_ids", e + ".token_embedding", c.vocabSize(), c.textHidden());
        String seq = b.dim("input_ids", 1);
        String positionIds = b.op("Range", List.of(w.intScalar(0), seq, w.intScalar(1)));             // [s]
        String positions = b.embedding(positionIds, e + ".position_embedding", c.textPositions(), c.textHidden());
        String h = b.add(tokens, positions);
        // causal: query i may attend key j <= i; [s, s] broadcasts over batch and heads
        String mask = b.op("LessOrEqual", List.of(b.unsqueeze(positionIds, 0), b.unsqueeze(positionIds, 1)));
        Blocks.Attention spec = Blocks.Attention.multiHead(c.textHidden(), c.textHeads());
        for (int i = 0; i < c.textLayers(); i++) {
            String layer = "text_model.encoder.layers." + i;
            String a = b.layerNorm(h, layer + ".layer_norm1", c.textHidden(), 1e-5);
            h = b.add(h, b.attention(a, spec, layer + ".self_attn", null, null, mask, null).output());
            String m = b.layerNorm(h, layer + ".layer_norm2", c.textHidden(), 1e-5);
            m = b.linear(m, layer + ".mlp.fc1", c.textHidden(), 4L * c.textHidden(), true);
            m = b.mul(m, b.op("Sigmoid", b.mul(m, w.floatScalar(1.702f))));                          // quick_gelu
            m = b.linear(m, layer + ".mlp.fc2", 4L * c.textHidden(), c.textHidden(), true);
            h = b.add(h, m);
        }
        String last = b.layerNorm(h, "text_model.final_layer_norm", c.textHidden(), 1e-5);
        b.opInto("Identity", last, "last_hidden_state");
        // pooled: the hidden state at argmax(input_ids), the (first) eos of each row
        String eosPos = b.op("ArgMax", b.cast("input_ids", ElementType.FLOAT), Attribute.of("axis", 1), Attribute.of("keepdims", 1));
        g.node("GatherND", List.of(last, eosPos), List.of("pooler_output"), Attribute.of("batch_dims", 1)).name("to/pooler_output");
        g.output("last_hidden_state", ElementType.FLOAT, "batch", "sequence", (long) c.textHidden());
        g.output("pooler_output", ElementType.FLOAT, "batch", (long) c.textHidden());
        return model(g, "genloom test kit: tiny CLIP text encoder (seeded random weights)");
    }

    // ---------------------------------------------------------------- unet

    /** The conditional UNet, with {@code timestep} of the given element type. */
    public static OnnxModel unet(Config c, TimestepType timestepType) {
        Graph g = new Graph("unet");
        g.input("sample", ElementType.FLOAT, "batch", "channels", "height", "width");
        g.input("timestep", timestepType.elementType(), "batch");
        g.input("encoder_hidden_states", ElementType.FLOAT, "batch", "sequence", (long) c.textHidden());
        Weights w = new Weights(g, c.seed(), ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);
        int ch = c.unetChannels();
        int groups = c.groups();
        int temb = c.timeEmbedDim();

        // time_proj: sinusoidal, flip_sin_to_cos=True, downscale_freq_shift=0
        String t = timestepType == TimestepType.FLOAT ? "timestep" : b.cast("timestep", ElementType.FLOAT);
        int half = ch / 2;
        float[] freqs = new float[half];
        for (int i = 0; i < half; i++) {
            freqs[i] = (float) Math.exp(-Math.log(10000.0) * i / half);
        }
        String args = b.mul(b.unsqueeze(t, 1), w.fixedParam("time_proj.freqs", freqs, 1, half));        // [T, half]
        String emb = b.op("Concat", List.of(b.op("Cos", args), b.op("Sin", args)), Attribute.of("axis", 1));
        emb = b.linear(emb, "time_embedding.linear_1", ch, temb, true);
        emb = b.linear(b.silu(emb), "time_embedding.linear_2", temb, temb, true);                        // [T, temb]

        String ehs = "encoder_hidden_states";
        String h = cb.conv("sample", "conv_in", LATENT_CHANNELS, ch, 3, 1, 1);
        h = cb.resnet(h, "down_blocks.0.resnets.0", ch, ch, emb, temb, groups, 1e-5);
        h = cb.transformer(h, ehs, "down_blocks.0.attentions.0", ch, c.textHidden(), c.unetHeads(), groups);
        String skip = h;
        h = cb.conv(h, "down_blocks.0.downsamplers.0.conv", ch, ch, 3, 2, 1);
        h = cb.resnet(h, "mid_block.resnets.0", ch, ch, emb, temb, groups, 1e-5);
        h = cb.transformer(h, ehs, "mid_block.attentions.0", ch, c.textHidden(), c.unetHeads(), groups);
        h = cb.conv(cb.upsample2x(h), "up_blocks.0.upsamplers.0.conv", ch, ch, 3, 1, 1);
        h = b.op("Concat", List.of(h, skip), Attribute.of("axis", 1));
        h = cb.resnet(h, "up_blocks.1.resnets.0", 2L * ch, ch, emb, temb, groups, 1e-5);
        h = cb.transformer(h, ehs, "up_blocks.1.attentions.0", ch, c.textHidden(), c.unetHeads(), groups);
        h = cb.groupNormSilu(h, "conv_norm_out", ch, groups, 1e-5);
        g.node("Conv", List.of(h, w.param("conv_out.weight", Weights.Init.UNIFORM, Math.sqrt(3.0 / (ch * 9)), LATENT_CHANNELS, ch, 3, 3),
                        w.param("conv_out.bias", Weights.Init.UNIFORM, 0.05, LATENT_CHANNELS)),
                List.of("out_sample"), Attribute.ints("kernel_shape", 3, 3), Attribute.ints("pads", 1, 1, 1, 1)).name("conv_out");
        g.output("out_sample", ElementType.FLOAT, "batch", (long) LATENT_CHANNELS, "height", "width");
        return model(g, "genloom test kit: tiny conditional UNet, timestep " + timestepType + " (seeded random weights)");
    }

    // ---------------------------------------------------------------- vae

    /** The VAE decoder: latents to an image 8x as large, in [-1, 1]. */
    public static OnnxModel vaeDecoder(Config c) {
        Graph g = new Graph("vae_decoder");
        g.input("latent_sample", ElementType.FLOAT, "batch", "channels", "height", "width");
        Weights w = new Weights(g, c.seed(), ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);
        int ch = c.vaeChannels();
        String h = cb.conv("latent_sample", "post_quant_conv", LATENT_CHANNELS, LATENT_CHANNELS, 1, 1, 0);
        h = cb.conv(h, "decoder.conv_in", LATENT_CHANNELS, ch, 3, 1, 1);
        h = cb.resnet(h, "decoder.mid_block.resnets.0", ch, ch, null, 0, c.groups(), 1e-6);
        for (int i = 0; i < 3; i++) {
            h = cb.conv(cb.upsample2x(h), "decoder.up_blocks." + i + ".upsamplers.0.conv", ch, ch, 3, 1, 1);
        }
        h = cb.groupNormSilu(h, "decoder.conv_norm_out", ch, c.groups(), 1e-6);
        h = cb.conv(h, "decoder.conv_out", ch, 3, 3, 1, 1);
        b.opInto("Tanh", h, "sample");
        g.output("sample", ElementType.FLOAT, "batch", 3L, "image_height", "image_width");
        return model(g, "genloom test kit: tiny VAE decoder (seeded random weights)");
    }

    /** The VAE encoder: an image to latents 1/8 as large (the distribution's mean). */
    public static OnnxModel vaeEncoder(Config c) {
        Graph g = new Graph("vae_encoder");
        g.input("sample", ElementType.FLOAT, "batch", "channels", "height", "width");
        Weights w = new Weights(g, c.seed(), ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);
        int ch = c.vaeChannels();
        String h = cb.conv("sample", "encoder.conv_in", 3, ch, 3, 1, 1);
        for (int i = 0; i < 3; i++) {
            h = cb.conv(h, "encoder.down_blocks." + i + ".downsamplers.0.conv", ch, ch, 3, 2, new long[] {0, 0, 1, 1});
        }
        h = cb.resnet(h, "encoder.mid_block.resnets.0", ch, ch, null, 0, c.groups(), 1e-6);
        h = cb.groupNormSilu(h, "encoder.conv_norm_out", ch, c.groups(), 1e-6);
        h = cb.conv(h, "encoder.conv_out", ch, 2L * LATENT_CHANNELS, 3, 1, 1);
        h = cb.conv(h, "quant_conv", 2L * LATENT_CHANNELS, 2L * LATENT_CHANNELS, 1, 1, 0);
        String mean = b.slice(h, 1, 0, LATENT_CHANNELS);
        b.opInto("Identity", mean, "latent_sample");
        g.output("latent_sample", ElementType.FLOAT, "batch", (long) LATENT_CHANNELS, "latent_height", "latent_width");
        return model(g, "genloom test kit: tiny VAE encoder (seeded random weights)");
    }

    // ---------------------------------------------------------------- configs

    /** {@code model_index.json} of {@code OnnxStableDiffusionPipeline}, without safety checker. */
    public static ObjectNode modelIndex() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("_class_name", "OnnxStableDiffusionPipeline");
        o.put("_diffusers_version", DIFFUSERS_VERSION);
        nullPair(o.putArray("feature_extractor"));
        o.put("requires_safety_checker", false);
        nullPair(o.putArray("safety_checker"));
        o.putArray("scheduler").add("diffusers").add("PNDMScheduler");
        o.putArray("text_encoder").add("diffusers").add("OnnxRuntimeModel");
        o.putArray("tokenizer").add("transformers").add("CLIPTokenizer");
        o.putArray("unet").add("diffusers").add("OnnxRuntimeModel");
        o.putArray("vae_decoder").add("diffusers").add("OnnxRuntimeModel");
        o.putArray("vae_encoder").add("diffusers").add("OnnxRuntimeModel");
        return o;
    }

    private static void nullPair(ArrayNode a) {
        a.addNull();
        a.addNull();
    }

    /** {@code scheduler/scheduler_config.json}: Stable Diffusion 1.x's PNDMScheduler. */
    public static ObjectNode schedulerConfig() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("_class_name", "PNDMScheduler");
        o.put("_diffusers_version", DIFFUSERS_VERSION);
        o.put("beta_end", 0.012);
        o.put("beta_schedule", "scaled_linear");
        o.put("beta_start", 0.00085);
        o.put("clip_sample", false);
        o.put("num_train_timesteps", 1000);
        o.put("prediction_type", "epsilon");
        o.put("set_alpha_to_one", false);
        o.put("skip_prk_steps", true);
        o.put("steps_offset", 1);
        o.put("timestep_spacing", "leading");
        o.putNull("trained_betas");
        return o;
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
