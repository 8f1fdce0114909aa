package dev.genloom.zoo.testkit.musicgen;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A MusicGen folder as Optimum exports it and transformers.js conversions ship it
 * ({@code Xenova/musicgen-small}), with small seeded random networks:
 *
 * <pre>
 * config.json                     model_type musicgen; text_encoder (t5), audio_encoder (encodec), decoder (musicgen_decoder)
 * generation_config.json          do_sample, guidance_scale 3, top_k 250, max_length, pad/bos/decoder_start 2048
 * preprocessor_config.json        EncodecFeatureExtractor, 32 kHz
 * tokenizer.json, tokenizer_config.json   a T5-style Unigram tokenizer (Metaspace, "&lt;/s&gt;" appended)
 * onnx/text_encoder.onnx          T5 encoder
 * onnx/decoder_model_merged.onnx  the codebook decoder with and without past, one If on use_cache_branch
 * onnx/encodec_decode.onnx        EnCodec's decoder: codes to waveform
 * </pre>
 *
 * Signatures (dim names as Optimum's {@code MusicgenOnnxConfig} writes them; {@code K} codebooks,
 * {@code H} heads, {@code D} head_dim, {@code V} vocab_size = codebook_size):
 *
 * <pre>
 * text_encoder  input_ids              int64 [batch_size, encoder_sequence_length]
 *               attention_mask         int64 [batch_size, encoder_sequence_length]
 *            -> last_hidden_state      float [batch_size, encoder_sequence_length, text d_model]
 * decoder       input_ids              int64 [total_batch_size_x_num_codebooks, decoder_sequence_length]
 *               encoder_hidden_states  float [total_batch_size, encoder_sequence_length, text d_model]
 *               encoder_attention_mask int64 [total_batch_size, encoder_sequence_length]
 *               past_key_values.{i}.decoder.key|value float [total_batch_size, H, past_decoder_sequence_length, D]
 *               past_key_values.{i}.encoder.key|value float [total_batch_size, H, encoder_sequence_length_out, D]
 *               use_cache_branch       bool  [1]
 *            -> logits                 float [total_batch_size_x_num_codebooks, decoder_sequence_length, V]
 *               present.{i}.decoder.key|value float [total_batch_size, H, past_decoder_sequence_length + 1, D]
 *               present.{i}.encoder.key|value float [total_batch_size, H, encoder_sequence_length_out, D]
 * encodec       audio_codes            int64 [1, batch_size, K, chunk_length]
 *            -> audio_values           float [batch_size, 1, audio_length]   (audio_length = chunk_length * hop)
 * </pre>
 *
 * <p>The decoder is MusicGen's ({@code MusicgenForConditionalGeneration} with its encoder outputs
 * given): rows of {@code input_ids} are codebook {@code r % K} of batch item {@code r / K}; the
 * embeddings of the {@code K} codebooks ({@code embed_tokens.k}, {@code V + 1} rows: the pad/BOS
 * id {@code V} has one) are summed, sinusoidal positions ({@code cat(cos, sin)}, offset by the past
 * length) added; {@code encoder_hidden_states} go through {@code enc_to_dec_proj} and are
 * multiplied by {@code encoder_attention_mask}; pre-LayerNorm layers of causal self-attention,
 * cross-attention under the encoder mask and a GELU MLP (projections without bias), a final
 * LayerNorm, and one {@code lm_heads.k} per codebook, stacked to {@code [batch, K, seq, V]} and
 * flattened to {@code [batch * K, seq, V]}. The merged file's {@code else_branch} ignores the past
 * inputs and computes the cross-attention keys and values; its {@code then_branch} appends to the
 * past self-attention cache and reads the cross-attention cache from the past, handing it back
 * unchanged. A first step feeds empty pasts ({@code [b, H, 0, D]}) with {@code use_cache_branch}
 * false; a prefill followed by cached steps gives the logits of one full pass.
 *
 * <p>The text encoder is a T5 encoder without T5's bucketed relative position bias (shared
 * embedding, RMSNorm, self-attention under {@code attention_mask}, ReLU feed-forward, final
 * RMSNorm). EnCodec's decoder is cut down to its shape: the codebook vectors of the {@code K}
 * quantizers summed (residual vector quantization), one {@code Conv1d} (kernel 3) with ELU, a
 * {@code ConvTranspose1d} whose stride is the hop {@code sampling_rate / frame_rate}, and
 * {@code tanh}.
 */
public final class MusicgenExport {

    public static final String MODEL_TYPE = "musicgen";

    public static final String TEXT_ENCODER_FILE = "text_encoder.onnx";
    public static final String DECODER_MERGED_FILE = "decoder_model_merged.onnx";
    public static final String ENCODEC_DECODE_FILE = "encodec_decode.onnx";

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
    public static final String ENCODER_ATTENTION_MASK = "encoder_attention_mask";
    public static final String USE_CACHE_BRANCH = "use_cache_branch";
    public static final String LOGITS = "logits";
    public static final String AUDIO_CODES = "audio_codes";
    public static final String AUDIO_VALUES = "audio_values";

    public static final String BATCH = "batch_size";
    public static final String TOTAL_BATCH = "total_batch_size";
    public static final String TOTAL_BATCH_X_CODEBOOKS = "total_batch_size_x_num_codebooks";
    public static final String ENCODER_SEQUENCE = "encoder_sequence_length";
    public static final String DECODER_SEQUENCE = "decoder_sequence_length";
    public static final String PAST_DECODER_SEQUENCE = "past_decoder_sequence_length";
    public static final String PRESENT_DECODER_SEQUENCE = "past_decoder_sequence_length + 1";
    public static final String ENCODER_CACHE_SEQUENCE = "encoder_sequence_length_out";
    public static final String CHUNK_LENGTH = "chunk_length";
    public static final String AUDIO_LENGTH = "audio_length";

    static final double LN_EPS = 1e-5;
    static final double T5_EPS = 1e-6;

    /**
     * Sizes and seed. {@code codebookSize} is the decoder's {@code vocab_size} and the pad/BOS id;
     * {@code maxPositions} the decoder's {@code max_position_embeddings}; {@code hop} the samples
     * per frame ({@code sampling_rate / frame_rate}, the product of {@code upsampling_ratios}).
     */
    public record Config(int textVocab, int textDModel, int textLayers, int textHeads, int textFfn,
                         int dModel, int layers, int heads, int ffnDim, int numCodebooks, int codebookSize,
                         int maxPositions, int maxLength, int codebookDim, int decoderChannels,
                         int samplingRate, List<Integer> upsamplingRatios, long seed) {
        public Config {
            if (dModel % heads != 0 || textDModel % textHeads != 0) {
                throw new IllegalArgumentException("d_model must be a multiple of the heads");
            }
            if (maxLength > maxPositions) {
                throw new IllegalArgumentException("max_length " + maxLength + " exceeds max_position_embeddings " + maxPositions);
            }
            upsamplingRatios = List.copyOf(upsamplingRatios);
            if (samplingRate % hopOf(upsamplingRatios) != 0) {
                throw new IllegalArgumentException("sampling rate " + samplingRate + " is not a multiple of the hop");
            }
        }

        private static int hopOf(List<Integer> ratios) {
            int hop = 1;
            for (int r : ratios) {
                hop *= r;
            }
            return hop;
        }

        public int headDim() {
            return dModel / heads;
        }

        public int textHeadDim() {
            return textDModel / textHeads;
        }

        /** Samples per frame: the product of {@code upsampling_ratios}. */
        public int hop() {
            return hopOf(upsamplingRatios);
        }

        /** Frames per second ({@code EncodecConfig.frame_rate}: {@code ceil(sampling_rate / hop)}). */
        public int frameRate() {
            return (samplingRate + hop() - 1) / hop();
        }

        /** The pad, BOS and decoder start id: {@code codebook_size}. */
        public int padTokenId() {
            return codebookSize;
        }
    }

    /**
     * The test kit's tiny MusicGen: text encoder d_model 12 (1 layer, 2 heads, ff 24, the
     * {@link MusicgenTokenizer} vocabulary), decoder d_model 8 (2 layers, 2 heads of 4, ff 16),
     * 4 codebooks of 2048 codes (pad/BOS 2048), 256 positions, {@code max_length} 256 (252 frames,
     * about 5 s), EnCodec codebook vectors of 4, 4 channels, 32 kHz with upsampling
     * {@code [8, 5, 4, 4]} (hop 640, 50 frames a second).
     */
    public static final Config TINY = new Config(MusicgenTokenizer.vocabSize(), 12, 1, 2, 24,
            8, 2, 2, 16, 4, 2048, 256, 256, 4, 4, 32000, List.of(8, 5, 4, 4), 7);

    private MusicgenExport() {
    }

    /** Writes the folder: JSON files and the three ONNX files. */
    public static Path write(Path folder, Config c) {
        Json.write(folder.resolve("config.json"), MusicgenConfigs.config(c));
        Json.write(folder.resolve("generation_config.json"), MusicgenConfigs.generationConfig(c));
        Json.write(folder.resolve("preprocessor_config.json"), MusicgenConfigs.preprocessorConfig(c));
        Json.write(folder.resolve("tokenizer.json"), MusicgenTokenizer.tokenizerJson());
        Json.write(folder.resolve("tokenizer_config.json"), MusicgenTokenizer.tokenizerConfig());
        Path onnx = folder.resolve("onnx");
        textEncoder(c).write(onnx.resolve(TEXT_ENCODER_FILE));
        decoderMerged(c).write(onnx.resolve(DECODER_MERGED_FILE));
        encodecDecode(c).write(onnx.resolve(ENCODEC_DECODE_FILE));
        return folder;
    }

    // ---------------------------------------------------------------- names

    public static String pastDecoderKey(int layer) {
        return "past_key_values." + layer + ".decoder.key";
    }

    public static String pastDecoderValue(int layer) {
        return "past_key_values." + layer + ".decoder.value";
    }

    public static String pastEncoderKey(int layer) {
        return "past_key_values." + layer + ".encoder.key";
    }

    public static String pastEncoderValue(int layer) {
        return "past_key_values." + layer + ".encoder.value";
    }

    /** Output names of the merged decoder in order: logits, then per layer decoder key, value, encoder key, value. */
    public static List<String> decoderOutputNames(int layers) {
        List<String> names = new ArrayList<>();
        names.add(LOGITS);
        for (int i = 0; i < layers; i++) {
            names.add("present." + i + ".decoder.key");
            names.add("present." + i + ".decoder.value");
            names.add("present." + i + ".encoder.key");
            names.add("present." + i + ".encoder.value");
        }
        return names;
    }

    // ---------------------------------------------------------------- text encoder

    /** The T5 encoder. */
    public static OnnxModel textEncoder(Config c) {
        Graph g = new Graph("musicgen_text_encoder");
        g.input(INPUT_IDS, ElementType.INT64, BATCH, ENCODER_SEQUENCE);
        g.input(ATTENTION_MASK, ElementType.INT64, BATCH, ENCODER_SEQUENCE);
        Weights w = new Weights(g, c.seed(), ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        String h = b.embedding(INPUT_IDS, "text_encoder.shared", c.textVocab(), c.textDModel());
        String mask = b.unsqueeze(b.cast(ATTENTION_MASK, ElementType.BOOL), 1, 2);       // [b, 1, 1, t]
        Blocks.Attention attention = new Blocks.Attention(c.textDModel(), c.textHeads(), c.textHeads(),
                c.textHeadDim(), false, "o");
        for (int i = 0; i < c.textLayers(); i++) {
            String layer = "text_encoder.encoder.block." + i + ".layer";
            String a = b.rmsNorm(h, layer + ".0.layer_norm", c.textDModel(), T5_EPS);
            h = b.add(h, b.attention(a, attention, layer + ".0.SelfAttention", null, null, mask, null).output());
            String f = b.rmsNorm(h, layer + ".1.layer_norm", c.textDModel(), T5_EPS);
            f = b.op("Relu", b.linear(f, layer + ".1.DenseReluDense.wi", c.textDModel(), c.textFfn(), false));
            h = b.add(h, b.linear(f, layer + ".1.DenseReluDense.wo", c.textFfn(), c.textDModel(), false));
        }
        h = b.rmsNorm(h, "text_encoder.encoder.final_layer_norm", c.textDModel(), T5_EPS);
        b.opInto("Identity", h, LAST_HIDDEN_STATE);
        g.output(LAST_HIDDEN_STATE, ElementType.FLOAT, BATCH, ENCODER_SEQUENCE, c.textDModel());
        return new OnnxModel(g).opset(17).producer("genloom-model-zoo", "test-kit");
    }

    // ---------------------------------------------------------------- decoder

    /** The merged decoder: one If on {@code use_cache_branch}, weights shared by both branches. */
    public static OnnxModel decoderMerged(Config c) {
        Graph g = new Graph("musicgen_decoder_merged");
        g.input(INPUT_IDS, ElementType.INT64, TOTAL_BATCH_X_CODEBOOKS, DECODER_SEQUENCE);
        g.input(ENCODER_HIDDEN_STATES, ElementType.FLOAT, TOTAL_BATCH, ENCODER_SEQUENCE, c.textDModel());
        g.input(ENCODER_ATTENTION_MASK, ElementType.INT64, TOTAL_BATCH, ENCODER_SEQUENCE);
        for (int i = 0; i < c.layers(); i++) {
            g.input(pastDecoderKey(i), ElementType.FLOAT, TOTAL_BATCH, c.heads(), PAST_DECODER_SEQUENCE, c.headDim());
            g.input(pastDecoderValue(i), ElementType.FLOAT, TOTAL_BATCH, c.heads(), PAST_DECODER_SEQUENCE, c.headDim());
            g.input(pastEncoderKey(i), ElementType.FLOAT, TOTAL_BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
            g.input(pastEncoderValue(i), ElementType.FLOAT, TOTAL_BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
        }
        g.input(USE_CACHE_BRANCH, ElementType.BOOL, 1);
        Weights w = new Weights(g, c.seed() + 1, ElementType.FLOAT);
        List<String> outs = decoderOutputNames(c.layers());
        Graph withPast = branch("musicgen_decoder_with_past", "with_past/", c, w, true);
        Graph noPast = branch("musicgen_decoder_without_past", "without_past/", c, w, false);
        g.node("If", List.of(USE_CACHE_BRANCH), outs,
                Attribute.of("then_branch", withPast), Attribute.of("else_branch", noPast)).name("optimum::if");
        declareOutputs(g, "", c);
        return new OnnxModel(g).opset(17).producer("genloom-model-zoo", "test-kit");
    }

    private static Graph branch(String name, String prefix, Config c, Weights w, boolean withPast) {
        Graph sub = new Graph(name);
        Blocks b = new Blocks(sub, w, prefix);
        List<String> values = decoderBody(b, c, withPast);
        List<String> names = decoderOutputNames(c.layers());
        for (int i = 0; i < names.size(); i++) {
            b.opInto("Identity", values.get(i), prefix + names.get(i));
        }
        declareOutputs(sub, prefix, c);
        return sub;
    }

    /** Logits, then per layer self key, self value, cross key, cross value. */
    private static List<String> decoderBody(Blocks b, Config c, boolean withPast) {
        Weights w = b.weights();
        int k = c.numCodebooks();
        String one = w.intScalar(1);
        String seq = b.dim(INPUT_IDS, 1);
        String past = withPast ? b.dim(pastDecoderKey(0), 2) : w.intScalar(0);
        String total = b.add(past, seq);
        String ids = b.op("Reshape", List.of(INPUT_IDS, b.op("Concat",
                List.of(w.ints(-1, k), b.unsqueeze(seq, 0)), Attribute.of("axis", 0))));     // [b, K, s]
        String h = null;
        for (int cb = 0; cb < k; cb++) {
            String rows = b.op("Gather", List.of(ids, w.intScalar(cb)), Attribute.of("axis", 1));   // [b, s]
            String e = b.embedding(rows, "decoder.model.decoder.embed_tokens." + cb, c.codebookSize() + 1, c.dModel());
            h = h == null ? e : b.add(h, e);
        }
        String positionIds = b.op("Range", List.of(past, total, one));                                // [s]
        String table = w.fixedParam("decoder.model.decoder.embed_positions.weights",
                sinusoids(c.maxPositions(), c.dModel()), c.maxPositions(), c.dModel());
        h = b.add(h, b.op("Gather", List.of(table, positionIds), Attribute.of("axis", 0)));
        String keyPositions = b.op("Range", List.of(w.intScalar(0), total, one));
        String causal = b.op("LessOrEqual", List.of(b.unsqueeze(keyPositions, 0), b.unsqueeze(positionIds, 1)));   // [s, t]
        String crossMask = b.unsqueeze(b.cast(ENCODER_ATTENTION_MASK, ElementType.BOOL), 1, 2);                   // [b, 1, 1, e]

        String encoder = null;
        if (!withPast) {
            encoder = b.linear(ENCODER_HIDDEN_STATES, "enc_to_dec_proj", c.textDModel(), c.dModel(), true);
            encoder = b.mul(encoder, b.unsqueeze(b.cast(ENCODER_ATTENTION_MASK, ElementType.FLOAT), 2));
        }
        Blocks.Attention attention = new Blocks.Attention(c.dModel(), c.heads(), c.heads(), c.headDim(), false, "out_proj");
        List<String> caches = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String layer = "decoder.model.decoder.layers." + i;
            String a = b.layerNorm(h, layer + ".self_attn_layer_norm", c.dModel(), LN_EPS);
            Blocks.AttentionOutput self = b.attention(a, attention, layer + ".self_attn",
                    withPast ? pastDecoderKey(i) : null, withPast ? pastDecoderValue(i) : null, causal, null);
            h = b.add(h, self.output());

            a = b.layerNorm(h, layer + ".encoder_attn_layer_norm", c.dModel(), LN_EPS);
            String name = layer + ".encoder_attn";
            String q = b.splitHeads(b.linear(a, name + ".q_proj", c.dModel(), c.dModel(), false), c.heads(), c.headDim());
            String crossKey;
            String crossValue;
            if (withPast) {
                crossKey = pastEncoderKey(i);
                crossValue = pastEncoderValue(i);
            } else {
                crossKey = b.splitHeads(b.linear(encoder, name + ".k_proj", c.dModel(), c.dModel(), false), c.heads(), c.headDim());
                crossValue = b.splitHeads(b.linear(encoder, name + ".v_proj", c.dModel(), c.dModel(), false), c.heads(), c.headDim());
            }
            String context = b.mergeHeads(b.scaledDotProduct(q, crossKey, crossValue, crossMask, c.headDim()), c.heads(), c.headDim());
            h = b.add(h, b.linear(context, name + ".out_proj", c.dModel(), c.dModel(), false));

            String f = b.layerNorm(h, layer + ".final_layer_norm", c.dModel(), LN_EPS);
            f = gelu(b, b.linear(f, layer + ".fc1", c.dModel(), c.ffnDim(), false));
            h = b.add(h, b.linear(f, layer + ".fc2", c.ffnDim(), c.dModel(), false));
            caches.add(self.presentKey());
            caches.add(self.presentValue());
            caches.add(crossKey);
            caches.add(crossValue);
        }
        h = b.layerNorm(h, "decoder.model.decoder.layer_norm", c.dModel(), LN_EPS);
        List<String> heads = new ArrayList<>();
        for (int cb = 0; cb < k; cb++) {
            heads.add(b.unsqueeze(b.linear(h, "decoder.lm_heads." + cb, c.dModel(), c.codebookSize(), false), 1));   // [b, 1, s, V]
        }
        String stacked = b.op("Concat", heads, Attribute.of("axis", 1));                                          // [b, K, s, V]
        String logits = b.op("Reshape", List.of(stacked, b.op("Concat",
                List.of(w.ints(-1), b.unsqueeze(seq, 0), w.ints(c.codebookSize())), Attribute.of("axis", 0))));
        List<String> out = new ArrayList<>();
        out.add(logits);
        out.addAll(caches);
        return out;
    }

    private static void declareOutputs(Graph g, String prefix, Config c) {
        g.output(prefix + LOGITS, ElementType.FLOAT, TOTAL_BATCH_X_CODEBOOKS, DECODER_SEQUENCE, c.codebookSize());
        for (int i = 0; i < c.layers(); i++) {
            g.output(prefix + "present." + i + ".decoder.key", ElementType.FLOAT, TOTAL_BATCH, c.heads(), PRESENT_DECODER_SEQUENCE, c.headDim());
            g.output(prefix + "present." + i + ".decoder.value", ElementType.FLOAT, TOTAL_BATCH, c.heads(), PRESENT_DECODER_SEQUENCE, c.headDim());
            g.output(prefix + "present." + i + ".encoder.key", ElementType.FLOAT, TOTAL_BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
            g.output(prefix + "present." + i + ".encoder.value", ElementType.FLOAT, TOTAL_BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
        }
    }

    /** Exact GELU: {@code 0.5 x (1 + erf(x / sqrt(2)))}. */
    private static String gelu(Blocks b, String x) {
        Weights w = b.weights();
        String erf = b.op("Erf", b.op("Div", List.of(x, w.floatScalar((float) Math.sqrt(2.0)))));
        return b.mul(b.mul(x, b.add(erf, w.floatScalar(1f))), w.floatScalar(0.5f));
    }

    /**
     * MusicGen's sinusoidal position table {@code [length, channels]}: the first half of the
     * channels {@code cos(t * inv[i])}, the second half {@code sin(t * inv[i])}, with
     * {@code inv[i] = exp(-i * ln(10000) / (channels/2 - 1))}.
     */
    public static float[] sinusoids(int length, int channels) {
        int half = channels / 2;
        double increment = Math.log(10000.0) / (half - 1);
        float[] out = new float[length * channels];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < half; i++) {
                double angle = t * Math.exp(-increment * i);
                out[t * channels + i] = (float) Math.cos(angle);
                out[t * channels + half + i] = (float) Math.sin(angle);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- encodec

    /** EnCodec's decoder, cut down: codes to waveform. */
    public static OnnxModel encodecDecode(Config c) {
        Graph g = new Graph("musicgen_encodec_decode");
        g.input(AUDIO_CODES, ElementType.INT64, 1, BATCH, c.numCodebooks(), CHUNK_LENGTH);
        Weights w = new Weights(g, c.seed() + 2, ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        String codes = b.op("Squeeze", List.of(AUDIO_CODES, w.ints(0)));                              // [b, K, f]
        String sum = null;
        for (int q = 0; q < c.numCodebooks(); q++) {
            String rows = b.op("Gather", List.of(codes, w.intScalar(q)), Attribute.of("axis", 1));     // [b, f]
            String e = b.embedding(rows, "quantizer.layers." + q + ".codebook.embed", c.codebookSize(), c.codebookDim());
            sum = sum == null ? e : b.add(sum, e);
        }
        String x = b.transpose(sum, 0, 2, 1);                                                          // [b, dim, f]
        String convW = w.param("decoder.layers.0.conv.weight", Weights.Init.UNIFORM,
                Math.sqrt(3.0 / (3.0 * c.codebookDim())), c.decoderChannels(), c.codebookDim(), 3);
        String convB = w.param("decoder.layers.0.conv.bias", Weights.Init.UNIFORM, 0.02, c.decoderChannels());
        x = b.op("Conv", List.of(x, convW, convB), Attribute.ints("kernel_shape", 3), Attribute.ints("pads", 1, 1));
        x = b.op("Elu", x, Attribute.of("alpha", 1.0f));
        String upW = w.param("decoder.layers.1.conv.weight", Weights.Init.UNIFORM,
                Math.sqrt(3.0 / c.decoderChannels()), c.decoderChannels(), 1, c.hop());
        String upB = w.param("decoder.layers.1.conv.bias", Weights.Init.UNIFORM, 0.02, 1);
        x = b.op("ConvTranspose", List.of(x, upW, upB), Attribute.ints("kernel_shape", c.hop()),
                Attribute.ints("strides", c.hop()));                                                   // [b, 1, f * hop]
        b.opInto("Tanh", x, AUDIO_VALUES);
        g.output(AUDIO_VALUES, ElementType.FLOAT, BATCH, 1, AUDIO_LENGTH);
        return new OnnxModel(g).opset(17).producer("genloom-model-zoo", "test-kit");
    }
}
