package dev.genloom.zoo.testkit.diffusion;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON files of an exported pipeline folder other than the tokenizer's: {@code model_index.json}
 * and the per-part {@code config.json} files Optimum writes next to each {@code model.onnx}
 * ({@code UNet2DConditionModel}, {@code AutoencoderKL}, {@code CLIPTextConfig}), describing the
 * kit's networks as the real files describe theirs.
 */
public final class DiffusersConfigs {

    /** What the Optimum-layout configs say wrote them. */
    public static final String DIFFUSERS_VERSION = "0.30.3";

    private DiffusersConfigs() {
    }

    /** {@code model_index.json} of the variant's pipeline. */
    public static ObjectNode modelIndex(SdVariant v) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("_class_name", v.pipelineClass());
        boolean script = !v.exporter().isOptimum();
        o.put("_diffusers_version", script ? StableDiffusionModel.DIFFUSERS_VERSION : DIFFUSERS_VERSION);
        String model = script ? "OnnxRuntimeModel" : null;
        if (!v.xl()) {
            nullPair(o.putArray("feature_extractor"));
        }
        if (v.xl()) {
            o.put("force_zeros_for_empty_prompt", true);
            nullPair(o.putArray("image_encoder"));
        } else {
            o.put("requires_safety_checker", false);
            nullPair(o.putArray("safety_checker"));
        }
        o.putArray("scheduler").add("diffusers").add(v.scheduler().className());
        o.putArray("text_encoder").add(script ? "diffusers" : "transformers").add(script ? model : "CLIPTextModel");
        if (v.xl()) {
            o.putArray("text_encoder_2").add("transformers").add("CLIPTextModelWithProjection");
        }
        o.putArray("tokenizer").add("transformers").add("CLIPTokenizer");
        if (v.xl()) {
            o.putArray("tokenizer_2").add("transformers").add("CLIPTokenizer");
        }
        o.putArray("unet").add("diffusers").add(script ? model : "UNet2DConditionModel");
        if (script) {
            o.putArray("vae_decoder").add("diffusers").add(model);
            o.putArray("vae_encoder").add("diffusers").add(model);
        } else {
            o.putArray("vae").add("diffusers").add("AutoencoderKL");
        }
        return o;
    }

    private static void nullPair(ArrayNode a) {
        a.addNull();
        a.addNull();
    }

    /** {@code unet/config.json}. */
    public static ObjectNode unet(UNetSpec s, boolean fp16) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("_class_name", "UNet2DConditionModel");
        o.put("_diffusers_version", DIFFUSERS_VERSION);
        o.put("act_fn", "silu");
        if (s.textTime()) {
            o.put("addition_embed_type", "text_time");
            o.put("addition_embed_type_num_heads", 64);
            o.put("addition_time_embed_dim", s.additionTimeEmbedDim());
        } else {
            o.putNull("addition_embed_type");
            o.putNull("addition_time_embed_dim");
        }
        o.put("attention_head_dim", s.heads());
        ArrayNode boc = o.putArray("block_out_channels");
        for (int c : s.blockOutChannels()) {
            boc.add(c);
        }
        o.put("center_input_sample", false);
        o.put("cross_attention_dim", s.crossAttentionDim());
        ArrayNode down = o.putArray("down_block_types");
        ArrayNode up = o.putArray("up_block_types");
        for (int i = 0; i < s.blocks(); i++) {
            down.add(s.attends(i) ? "CrossAttnDownBlock2D" : "DownBlock2D");
        }
        for (int i = s.blocks() - 1; i >= 0; i--) {
            up.add(s.attends(i) ? "CrossAttnUpBlock2D" : "UpBlock2D");
        }
        o.put("downsample_padding", 1);
        o.put("flip_sin_to_cos", true);
        o.put("freq_shift", 0);
        o.put("in_channels", s.inChannels());
        o.put("layers_per_block", s.layersPerBlock());
        o.put("mid_block_scale_factor", 1);
        o.put("mid_block_type", "UNetMidBlock2DCrossAttn");
        o.put("norm_eps", 1e-05);
        o.put("norm_num_groups", s.groups());
        o.put("out_channels", StableDiffusionModel.LATENT_CHANNELS);
        if (s.textTime()) {
            o.put("projection_class_embeddings_input_dim", s.projectionDim() + UNetSpec.TIME_IDS * s.additionTimeEmbedDim());
        } else {
            o.putNull("projection_class_embeddings_input_dim");
        }
        o.put("sample_size", s.sampleSize());
        if (s.timeCondDim() > 0) {
            o.put("time_cond_proj_dim", s.timeCondDim());
        } else {
            o.putNull("time_cond_proj_dim");
        }
        o.put("transformer_layers_per_block", 1);
        o.put("use_linear_projection", false);
        o.put("torch_dtype", fp16 ? "float16" : "float32");
        return o;
    }

    /** {@code vae_encoder/config.json} and {@code vae_decoder/config.json}: the whole {@code AutoencoderKL}'s config. */
    public static ObjectNode vae(Vae v) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("_class_name", "AutoencoderKL");
        o.put("_diffusers_version", DIFFUSERS_VERSION);
        o.put("act_fn", "silu");
        ArrayNode boc = o.putArray("block_out_channels");
        ArrayNode down = o.putArray("down_block_types");
        ArrayNode up = o.putArray("up_block_types");
        for (int c : v.blockOutChannels()) {
            boc.add(c);
            down.add("DownEncoderBlock2D");
            up.add("UpDecoderBlock2D");
        }
        o.put("force_upcast", true);
        o.put("in_channels", 3);
        o.put("latent_channels", StableDiffusionModel.LATENT_CHANNELS);
        o.put("layers_per_block", v.layersPerBlock());
        o.put("norm_num_groups", v.groups());
        o.put("out_channels", 3);
        o.put("sample_size", v.sampleSize());
        o.put("scaling_factor", v.scalingFactor());
        return o;
    }

    /** {@code text_encoder/config.json}: a {@code CLIPTextConfig}. */
    public static ObjectNode text(ClipText t, boolean withProjection, ClipBpe tokenizer, boolean fp16) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add(withProjection ? "CLIPTextModelWithProjection" : "CLIPTextModel");
        o.put("attention_dropout", 0.0);
        o.put("bos_token_id", tokenizer.bosTokenId());
        o.put("eos_token_id", tokenizer.eosTokenId());
        o.put("hidden_act", t.quickGelu() ? "quick_gelu" : "gelu");
        o.put("hidden_size", t.hidden());
        o.put("initializer_factor", 1.0);
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", t.intermediate());
        o.put("layer_norm_eps", 1e-05);
        o.put("max_position_embeddings", t.positions());
        o.put("model_type", "clip_text_model");
        o.put("num_attention_heads", t.heads());
        o.put("num_hidden_layers", t.layers());
        o.put("pad_token_id", 1);
        o.put("projection_dim", t.projectionDim());
        o.put("torch_dtype", fp16 ? "float16" : "float32");
        o.put("transformers_version", "4.44.2");
        o.put("vocab_size", t.vocab());
        return o;
    }
}
