package dev.genloom.zoo.testkit.musicgen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON files of a MusicGen folder with Transformers' keys: {@code config.json}
 * ({@code MusicgenConfig}: {@code text_encoder}, {@code audio_encoder}, {@code decoder}),
 * {@code generation_config.json}, {@code preprocessor_config.json}. As in the real files, the
 * frame rate is not written: it is {@code ceil(sampling_rate / prod(upsampling_ratios))}.
 */
final class MusicgenConfigs {

    private MusicgenConfigs() {
    }

    static ObjectNode config(MusicgenExport.Config c) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("model_type", MusicgenExport.MODEL_TYPE);
        o.putArray("architectures").add("MusicgenForConditionalGeneration");
        o.put("is_encoder_decoder", true);
        o.put("torch_dtype", "float32");

        ObjectNode text = o.putObject("text_encoder");
        text.put("model_type", "t5");
        text.put("vocab_size", c.textVocab());
        text.put("d_model", c.textDModel());
        text.put("d_kv", c.textHeadDim());
        text.put("d_ff", c.textFfn());
        text.put("num_layers", c.textLayers());
        text.put("num_heads", c.textHeads());
        text.put("feed_forward_proj", "relu");
        text.put("layer_norm_epsilon", MusicgenExport.T5_EPS);
        text.put("pad_token_id", MusicgenTokenizer.PAD_ID);
        text.put("eos_token_id", MusicgenTokenizer.EOS_ID);
        text.put("decoder_start_token_id", MusicgenTokenizer.PAD_ID);

        ObjectNode audio = o.putObject("audio_encoder");
        audio.put("model_type", "encodec");
        audio.put("sampling_rate", c.samplingRate());
        audio.put("audio_channels", 1);
        audio.put("codebook_size", c.codebookSize());
        audio.put("codebook_dim", c.codebookDim());
        audio.put("hidden_size", c.codebookDim());
        audio.put("num_filters", c.decoderChannels());
        ArrayNode ratios = audio.putArray("upsampling_ratios");
        c.upsamplingRatios().forEach(ratios::add);
        audio.putNull("chunk_length_s");
        audio.putNull("overlap");
        audio.putArray("target_bandwidths").add(2.2);
        audio.put("normalize", false);

        ObjectNode dec = o.putObject("decoder");
        dec.put("model_type", "musicgen_decoder");
        dec.put("vocab_size", c.codebookSize());
        dec.put("num_codebooks", c.numCodebooks());
        dec.put("audio_channels", 1);
        dec.put("hidden_size", c.dModel());
        dec.put("num_hidden_layers", c.layers());
        dec.put("num_attention_heads", c.heads());
        dec.put("ffn_dim", c.ffnDim());
        dec.put("max_position_embeddings", c.maxPositions());
        dec.put("activation_function", "gelu");
        dec.put("scale_embedding", false);
        dec.put("tie_word_embeddings", false);
        dec.put("pad_token_id", c.padTokenId());
        dec.put("bos_token_id", c.padTokenId());
        dec.putNull("eos_token_id");
        return o;
    }

    static ObjectNode generationConfig(MusicgenExport.Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("_from_model_config", false);
        o.put("bos_token_id", c.padTokenId());
        o.put("decoder_start_token_id", c.padTokenId());
        o.put("pad_token_id", c.padTokenId());
        o.put("do_sample", true);
        o.put("guidance_scale", 3.0);
        o.put("top_k", 250);
        o.put("max_length", c.maxLength());
        return o;
    }

    static ObjectNode preprocessorConfig(MusicgenExport.Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("feature_extractor_type", "EncodecFeatureExtractor");
        o.put("processor_class", "MusicgenProcessor");
        o.put("feature_size", 1);
        o.put("sampling_rate", c.samplingRate());
        o.put("padding_side", "left");
        o.put("padding_value", 0.0);
        o.put("return_attention_mask", true);
        o.putNull("chunk_length_s");
        o.putNull("overlap");
        return o;
    }
}
