package dev.genloom.zoo.testkit.whisper;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON files of a Whisper folder, with Transformers' keys: {@code config.json},
 * {@code generation_config.json}, {@code preprocessor_config.json}, {@code tokenizer_config.json}.
 * Token ids come from {@link WhisperTokenLayout}, so they agree with {@code tokenizer.json}.
 */
final class WhisperConfigs {

    static final int SAMPLING_RATE = 16000;
    static final int HOP_LENGTH = 160;
    static final int N_FFT = 400;

    /** Punctuation that Whisper's {@code suppress_tokens} keep out of transcripts (as byte tokens here). */
    static final String SUPPRESSED_SYMBOLS = "\"#()*+/:;<=>@[\\]^_`{|}~";

    private WhisperConfigs() {
    }

    static ObjectNode config(WhisperExport.Config c) {
        WhisperTokenLayout t = c.tokens();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", WhisperExport.MODEL_TYPE);
        o.putArray("architectures").add("WhisperForConditionalGeneration");
        o.put("activation_function", "gelu");
        o.put("d_model", c.dModel());
        o.put("encoder_layers", c.encoderLayers());
        o.put("decoder_layers", c.decoderLayers());
        o.put("num_hidden_layers", c.encoderLayers());
        o.put("encoder_attention_heads", c.heads());
        o.put("decoder_attention_heads", c.heads());
        o.put("encoder_ffn_dim", c.ffnDim());
        o.put("decoder_ffn_dim", c.ffnDim());
        o.put("num_mel_bins", c.melBins());
        o.put("vocab_size", c.vocabSize());
        o.put("max_source_positions", c.sourcePositions());
        o.put("max_target_positions", c.targetPositions());
        o.put("decoder_start_token_id", t.sot());
        o.put("bos_token_id", t.eot());
        o.put("eos_token_id", t.eot());
        o.put("pad_token_id", t.eot());
        o.put("is_encoder_decoder", true);
        o.put("scale_embedding", false);
        o.put("tie_word_embeddings", true);
        o.put("use_cache", true);
        o.put("dropout", 0.0);
        o.put("torch_dtype", "float32");
        return o;
    }

    static ObjectNode generationConfig(WhisperExport.Config c) {
        WhisperTokenLayout t = c.tokens();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode heads = o.putArray("alignment_heads");
        for (int layer = c.decoderLayers() / 2; layer < c.decoderLayers(); layer++) {
            heads.addArray().add(layer).add(0);
        }
        o.putArray("begin_suppress_tokens").add(WhisperTokenLayout.byteToken(' ')).add(t.eot());
        o.put("bos_token_id", t.eot());
        o.put("decoder_start_token_id", t.sot());
        o.put("eos_token_id", t.eot());
        o.put("pad_token_id", t.eot());
        o.put("is_multilingual", c.multilingual());
        if (c.multilingual()) {
            ObjectNode langs = o.putObject("lang_to_id");
            for (String code : t.languages()) {
                langs.put("<|" + code + "|>", t.language(code));
            }
            o.putObject("task_to_id").put("transcribe", t.transcribe()).put("translate", t.translate());
        }
        o.put("max_initial_timestamp_index", 50);
        o.put("max_length", c.targetPositions());
        o.put("no_timestamps_token_id", t.noTimestamps());
        o.put("prev_sot_token_id", t.startOfPrev());
        o.put("return_timestamps", false);
        ArrayNode suppress = o.putArray("suppress_tokens");
        SUPPRESSED_SYMBOLS.chars().sorted().forEach(ch -> suppress.add(WhisperTokenLayout.byteToken((char) ch)));
        suppress.add(t.sot()).add(t.translate()).add(t.transcribe()).add(t.startOfLm()).add(t.startOfPrev()).add(t.noCaptions());
        return o;
    }

    static ObjectNode preprocessorConfig(WhisperExport.Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        int samples = c.frames() * HOP_LENGTH;
        o.put("chunk_length", samples / SAMPLING_RATE);
        o.put("feature_extractor_type", "WhisperFeatureExtractor");
        o.put("feature_size", c.melBins());
        o.put("hop_length", HOP_LENGTH);
        o.put("n_fft", N_FFT);
        o.put("n_samples", samples);
        o.put("nb_max_frames", c.frames());
        o.put("padding_side", "right");
        o.put("padding_value", 0.0);
        o.put("processor_class", "WhisperProcessor");
        o.put("return_attention_mask", false);
        o.put("sampling_rate", SAMPLING_RATE);
        return o;
    }

    static ObjectNode tokenizerConfig(WhisperExport.Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("add_prefix_space", false);
        o.set("added_tokens_decoder", c.tokens().tokenizer().addedTokensDecoder());
        o.put("bos_token", WhisperTokenLayout.EOT);
        o.put("eos_token", WhisperTokenLayout.EOT);
        o.put("pad_token", WhisperTokenLayout.EOT);
        o.put("unk_token", WhisperTokenLayout.EOT);
        o.put("clean_up_tokenization_spaces", true);
        o.put("model_max_length", 1024);
        o.put("processor_class", "WhisperProcessor");
        o.put("tokenizer_class", "WhisperTokenizer");
        return o;
    }
}
