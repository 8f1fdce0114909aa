package dev.genloom.zoo.testkit.whisper;

import dev.genloom.spi.Dtype;
import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A Whisper model folder as Optimum / Transformers.js export it, with seeded random weights:
 *
 * <pre>
 * config.json                         model_type whisper, d_model, layers, heads, num_mel_bins, ...
 * generation_config.json              decoder_start_token_id, no_timestamps_token_id, suppress_tokens, ...
 * preprocessor_config.json            WhisperFeatureExtractor: 16 kHz, n_fft 400, hop 160, 3000 frames
 * tokenizer.json, tokenizer_config.json   byte-level BPE plus Whisper's special and timestamp tokens
 * onnx/encoder_model.onnx             input_features -> last_hidden_state
 * onnx/decoder_model.onnx             no past: computes self- and cross-attention caches
 * onnx/decoder_with_past_model.onnx   with past: outputs only the self-attention cache
 * onnx/decoder_model_merged.onnx      both, one If on use_cache_branch
 * onnx/*_fp16.onnx                    the four again: float16 weights and float16 IO
 * onnx/*_quantized.onnx               the four again: uint8 MatMul weights (DequantizeLinear), float32 IO
 * </pre>
 *
 * Signatures (dim names as Optimum writes them; {@code H} heads, {@code D} head_dim):
 *
 * <pre>
 * encoder  input_features                    float [batch_size, num_mel_bins, 3000]
 *       -> last_hidden_state                 float [batch_size, encoder_sequence_length / 2, d_model]
 * decoder  input_ids                         int64 [batch_size, decoder_sequence_length]
 *          encoder_hidden_states             float [batch_size, encoder_sequence_length / 2, d_model]  (not in with_past)
 *          past_key_values.{i}.decoder.key|value  float [batch_size, H, past_decoder_sequence_length, D]  (with_past, merged)
 *          past_key_values.{i}.encoder.key|value  float [batch_size, H, encoder_sequence_length_out, D]   (with_past, merged)
 *          use_cache_branch                  bool  [1]                                                 (merged)
 *       -> logits                            float [batch_size, decoder_sequence_length, vocab_size]
 *          present.{i}.decoder.key|value     float [batch_size, H, past_decoder_sequence_length + 1, D]
 *          present.{i}.encoder.key|value     float [batch_size, H, encoder_sequence_length_out, D]   (not in with_past)
 * </pre>
 *
 * The merged decoder's {@code else_branch} ({@code use_cache_branch = false}) is the plain
 * decoder: it ignores every past input and computes the cross-attention keys and values from
 * {@code encoder_hidden_states}. Its {@code then_branch} is the decoder with past: it appends the
 * new self-attention keys and values to the past ones, reads the cross-attention keys and values
 * from {@code past_key_values.{i}.encoder.*}, and hands those back unchanged as
 * {@code present.{i}.encoder.*}, as Optimum's merged export does (its with-past decoder returns
 * the cross-attention cache it was given). On the first step a caller feeds empty pasts
 * ({@code [batch, H, 0, D]}) with {@code use_cache_branch = false}.
 *
 * <p>The network is Whisper's: two {@code Conv1d} (kernel 3, padding 1, the second with stride
 * 2) each followed by exact GELU, sinusoidal positions, pre-LayerNorm encoder layers
 * (self-attention without mask, GELU MLP), a final LayerNorm; the decoder adds learned positions
 * (offset by the past length) to token embeddings, runs pre-LayerNorm layers of causal
 * self-attention, cross-attention and a GELU MLP, a final LayerNorm, and logits through the token
 * embedding (tied, as {@code proj_out}). Attention projections are Whisper's: {@code k_proj}
 * without bias, {@code q_proj}, {@code v_proj} and {@code out_proj} with biases. Parameter names
 * follow Transformers' {@code WhisperForConditionalGeneration} ({@code model.encoder.conv1.weight},
 * {@code model.decoder.layers.0.encoder_attn.q_proj.weight}, ...).
 *
 * <p>Every part comes in three {@linkplain #DTYPES dtypes} with the same seeded weights:
 * {@code fp32}; {@code _fp16}, whose weights are stored as float16 and whose float inputs and
 * outputs above ({@code input_features}, {@code last_hidden_state},
 * {@code encoder_hidden_states}, {@code past_key_values.*}, {@code present.*}, {@code logits})
 * are float16, as {@code optimum-cli export onnx --dtype fp16} declares them ({@code input_ids}
 * stays int64, {@code use_cache_branch} bool), while the graph casts to float32 inside and
 * computes in float32 so ONNX Runtime's CPU kernels run it; and {@code _quantized}, float32 IO
 * with the {@code MatMul} weights stored as uint8 and dequantized in the graph (the QDQ form;
 * Xenova's exports use dynamic quantization, {@code MatMulInteger}, instead).
 *
 * <p>Not imitated: the {@code decoder_attentions.*} / {@code cross_attentions.*} outputs some
 * exports add for word timestamps; the float16 arithmetic of a real fp16 export.
 */
public final class WhisperExport {

    public static final String MODEL_TYPE = "whisper";

    public static final String INPUT_FEATURES = "input_features";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String INPUT_IDS = "input_ids";
    public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
    public static final String USE_CACHE_BRANCH = "use_cache_branch";
    public static final String LOGITS = "logits";

    public static final String BATCH = "batch_size";
    public static final String ENCODER_OUT_SEQUENCE = "encoder_sequence_length / 2";
    public static final String DECODER_SEQUENCE = "decoder_sequence_length";
    public static final String PAST_DECODER_SEQUENCE = "past_decoder_sequence_length";
    public static final String PRESENT_DECODER_SEQUENCE = "past_decoder_sequence_length + 1";
    public static final String ENCODER_CACHE_SEQUENCE = "encoder_sequence_length_out";

    static final double LN_EPS = 1e-5;

    /**
     * The dtype variants the kit writes, in the shared vocabulary of {@link Dtype}:
     * <ul>
     *   <li>{@code fp32} ({@code encoder_model.onnx}): float32 weights and IO;</li>
     *   <li>{@code fp16} ({@code encoder_model_fp16.onnx}): float16 weights, and float16
     *       {@code input_features}, {@code last_hidden_state}, {@code encoder_hidden_states},
     *       {@code past_key_values.*}, {@code present.*} and {@code logits}, as
     *       {@code optimum-cli export onnx --dtype fp16} writes them; inside, the graph casts to
     *       float32 and computes in float32, so that ONNX Runtime's CPU kernels run it;</li>
     *   <li>{@code quantized} ({@code encoder_model_quantized.onnx}): float32 IO, the weights of
     *       every {@code MatMul} stored as uint8 and dequantized in the graph
     *       ({@link Weights#quantized}); convolutions, embeddings, norms and biases float32.</li>
     * </ul>
     */
    public static final List<Dtype> DTYPES = List.of(Dtype.FP32, Dtype.FP16, Dtype.QUANTIZED);

    /**
     * Element type of the float inputs and outputs (features, hidden states, caches, logits) of
     * the files of one of {@link #DTYPES}.
     *
     * @throws IllegalArgumentException for a dtype the kit does not write
     */
    public static ElementType io(Dtype dtype) {
        return switch (written(dtype)) {
            case FP16 -> ElementType.FLOAT16;
            default -> ElementType.FLOAT;
        };
    }

    /** Whether the MatMul weights of a dtype's files are stored as uint8 with a {@code DequantizeLinear} each. */
    public static boolean quantized(Dtype dtype) {
        return written(dtype) == Dtype.QUANTIZED;
    }

    private static Weights weights(Dtype dtype, Graph g, long seed) {
        return quantized(dtype) ? Weights.quantized(g, seed) : new Weights(g, seed, io(dtype));
    }

    private static Dtype written(Dtype dtype) {
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException("the test kit writes Whisper files in " + DTYPES + ", not " + dtype);
        }
        return dtype;
    }

    /** The parts of an export, each one file per {@link Dtype}. */
    public enum Part {
        ENCODER("encoder_model"),
        DECODER("decoder_model"),
        DECODER_WITH_PAST("decoder_with_past_model"),
        DECODER_MERGED("decoder_model_merged");

        private final String stem;

        Part(String stem) {
            this.stem = stem;
        }

        /** The file name without dtype suffix and extension ({@code decoder_model_merged}). */
        public String stem() {
            return stem;
        }
    }

    /** The model files, with their names under {@code onnx/}: each {@link Part} in each {@link Dtype}. */
    public enum File {
        ENCODER(Part.ENCODER, Dtype.FP32),
        DECODER(Part.DECODER, Dtype.FP32),
        DECODER_WITH_PAST(Part.DECODER_WITH_PAST, Dtype.FP32),
        DECODER_MERGED(Part.DECODER_MERGED, Dtype.FP32),
        ENCODER_FP16(Part.ENCODER, Dtype.FP16),
        DECODER_FP16(Part.DECODER, Dtype.FP16),
        DECODER_WITH_PAST_FP16(Part.DECODER_WITH_PAST, Dtype.FP16),
        DECODER_MERGED_FP16(Part.DECODER_MERGED, Dtype.FP16),
        ENCODER_QUANTIZED(Part.ENCODER, Dtype.QUANTIZED),
        DECODER_QUANTIZED(Part.DECODER, Dtype.QUANTIZED),
        DECODER_WITH_PAST_QUANTIZED(Part.DECODER_WITH_PAST, Dtype.QUANTIZED),
        DECODER_MERGED_QUANTIZED(Part.DECODER_MERGED, Dtype.QUANTIZED);

        private final Part part;
        private final Dtype dtype;

        File(Part part, Dtype dtype) {
            this.part = part;
            this.dtype = dtype;
        }

        /** {@code decoder_model_merged_fp16.onnx}. */
        public String fileName() {
            return dtype.fileName(part.stem());
        }

        public Part part() {
            return part;
        }

        public Dtype dtype() {
            return dtype;
        }

        /** The file of {@code part} in {@code dtype}. */
        public static File of(Part part, Dtype dtype) {
            for (File f : values()) {
                if (f.part == part && f.dtype == dtype) {
                    return f;
                }
            }
            throw new IllegalArgumentException("no file for " + part + " in " + dtype);
        }

        /** The four files of one dtype: encoder, decoder, decoder with past, merged decoder. */
        public static EnumSet<File> of(Dtype dtype) {
            EnumSet<File> out = EnumSet.noneOf(File.class);
            for (File f : values()) {
                if (f.dtype == dtype) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    /**
     * Sizes and seed. {@code languages} are the language tokens in the vocabulary (Whisper's
     * order; the {@code .en} models have all of them too), {@code multilingual} what
     * {@code generation_config.is_multilingual} says. The special tokens take the last
     * {@code 2 + languages + 6 + 1501} ids of {@code vocabSize} (see {@link WhisperTokenLayout}).
     */
    public record Config(int dModel, int encoderLayers, int decoderLayers, int heads, int ffnDim,
                         int melBins, int frames, int targetPositions, int vocabSize,
                         List<String> languages, boolean multilingual, long seed) {
        public Config {
            if (dModel % heads != 0) {
                throw new IllegalArgumentException("d_model " + dModel + " is not a multiple of heads " + heads);
            }
            if (frames % 2 != 0) {
                throw new IllegalArgumentException("frames must be even (the second conv halves them): " + frames);
            }
            languages = List.copyOf(languages);
            if (languages.isEmpty()) {
                throw new IllegalArgumentException("at least one language token is needed");
            }
            int eot = vocabSize - WhisperTokenLayout.specialCount(languages.size());
            if (eot < 256 + WhisperTokenLayout.MERGES) {
                throw new IllegalArgumentException("vocab_size " + vocabSize + " leaves no room for the "
                        + (256 + WhisperTokenLayout.MERGES) + " byte and merge tokens before the specials");
            }
        }

        public int headDim() {
            return dModel / heads;
        }

        /** {@code max_source_positions}: encoder positions, half the mel frames. */
        public int sourcePositions() {
            return frames / 2;
        }

        public WhisperTokenLayout tokens() {
            return new WhisperTokenLayout(vocabSize, languages);
        }
    }

    /**
     * The test kit's tiny Whisper ({@code .en} style, not multilingual): d_model 32, 2 + 2 layers,
     * 4 heads of 8, MLP 64, 80 mel bins, 3000 frames (1500 encoder positions), 448 decoder
     * positions, 1829 tokens (319 byte/merge tokens, then {@code <|endoftext|>} = 319, ...).
     */
    public static final Config TINY = new Config(32, 2, 2, 4, 64, 80, 3000, 448,
            256 + WhisperTokenLayout.MERGES + WhisperTokenLayout.specialCount(1), List.of("en"), false, 42);
    /** Whisper tiny.en sizes (d_model 384, 4 + 4 layers, 6 heads, 51864 tokens), for benchmarks. */
    public static final Config WHISPER_TINY_EN = new Config(384, 4, 4, 6, 1536, 80, 3000, 448, 51864,
            WhisperTokenLayout.LANGUAGES, false, 42);
    /** Whisper tiny (multilingual, 51865 tokens), for benchmarks. */
    public static final Config WHISPER_TINY = new Config(384, 4, 4, 6, 1536, 80, 3000, 448, 51865,
            WhisperTokenLayout.LANGUAGES, true, 42);
    /** Whisper base.en sizes (d_model 512, 6 + 6 layers, 8 heads), for benchmarks. */
    public static final Config WHISPER_BASE_EN = new Config(512, 6, 6, 8, 2048, 80, 3000, 448, 51864,
            WhisperTokenLayout.LANGUAGES, false, 42);

    private WhisperExport() {
    }

    /** Writes a folder with every file: the four parts in fp32, fp16 and quantized. */
    public static Path write(Path folder, Config config) {
        return write(folder, config, EnumSet.allOf(File.class));
    }

    /** Writes the JSON files and the given model files into {@code folder}. */
    public static Path write(Path folder, Config config, Set<File> files) {
        WhisperTokenLayout tokens = config.tokens();
        Json.write(folder.resolve("config.json"), WhisperConfigs.config(config));
        Json.write(folder.resolve("generation_config.json"), WhisperConfigs.generationConfig(config));
        Json.write(folder.resolve("preprocessor_config.json"), WhisperConfigs.preprocessorConfig(config));
        Json.write(folder.resolve("tokenizer.json"), tokens.tokenizer().tokenizerJson());
        Json.write(folder.resolve("tokenizer_config.json"), WhisperConfigs.tokenizerConfig(config));
        for (File f : File.values()) {
            if (files.contains(f)) {
                model(config, f).write(folder.resolve("onnx").resolve(f.fileName()));
            }
        }
        return folder;
    }

    /** The ONNX model of one file. */
    public static OnnxModel model(Config c, File file) {
        Dtype d = file.dtype();
        return switch (file.part()) {
            case ENCODER -> encoder(c, d);
            case DECODER -> decoder(c, false, false, d);
            case DECODER_WITH_PAST -> decoder(c, true, false, d);
            case DECODER_MERGED -> decoder(c, true, true, d);
        };
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

    public static String presentDecoderKey(int layer) {
        return "present." + layer + ".decoder.key";
    }

    public static String presentDecoderValue(int layer) {
        return "present." + layer + ".decoder.value";
    }

    public static String presentEncoderKey(int layer) {
        return "present." + layer + ".encoder.key";
    }

    public static String presentEncoderValue(int layer) {
        return "present." + layer + ".encoder.value";
    }

    /** Output names of a decoder file in order: logits, then per layer decoder key, value (and encoder key, value). */
    public static List<String> decoderOutputNames(int layers, boolean withEncoderCache) {
        List<String> names = new ArrayList<>();
        names.add(LOGITS);
        for (int i = 0; i < layers; i++) {
            names.add(presentDecoderKey(i));
            names.add(presentDecoderValue(i));
            if (withEncoderCache) {
                names.add(presentEncoderKey(i));
                names.add(presentEncoderValue(i));
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- encoder

    static OnnxModel encoder(Config c, Dtype dtype) {
        ElementType io = io(dtype);
        Graph g = new Graph("whisper_encoder");
        g.input(INPUT_FEATURES, io, BATCH, c.melBins(), c.frames());
        Weights w = weights(dtype, g, c.seed());
        Blocks b = new Blocks(g, w, "");
        String x = gelu(b, conv(b, toFloat(b, INPUT_FEATURES, io), "model.encoder.conv1", c.melBins(), c.dModel(), 1));   // [b, d, frames]
        x = gelu(b, conv(b, x, "model.encoder.conv2", c.dModel(), c.dModel(), 2));                       // [b, d, frames/2]
        String h = b.transpose(x, 0, 2, 1);                                                              // [b, frames/2, d]
        String positions = w.fixedParam("model.encoder.embed_positions.weight",
                sinusoids(c.sourcePositions(), c.dModel()), c.sourcePositions(), c.dModel());
        h = b.add(h, positions);
        for (int i = 0; i < c.encoderLayers(); i++) {
            String layer = "model.encoder.layers." + i;
            String a = b.layerNorm(h, layer + ".self_attn_layer_norm", c.dModel(), LN_EPS);
            String q = query(b, a, layer + ".self_attn", c);
            KeyValue kv = keyValue(b, a, layer + ".self_attn", c);
            h = b.add(h, attend(b, q, kv.key(), kv.value(), null, layer + ".self_attn", c));
            h = b.add(h, mlp(b, b.layerNorm(h, layer + ".final_layer_norm", c.dModel(), LN_EPS), layer, c));
        }
        h = b.layerNorm(h, "model.encoder.layer_norm", c.dModel(), LN_EPS);
        out(b, h, LAST_HIDDEN_STATE, io);
        g.output(LAST_HIDDEN_STATE, io, BATCH, ENCODER_OUT_SEQUENCE, c.dModel());
        return new OnnxModel(g).opset(17).producer("genloom-model-zoo", "test-kit");
    }

    /** {@code x} as float32: itself, or a {@code Cast} of a float16 input. */
    static String toFloat(Blocks b, String x, ElementType io) {
        return io == ElementType.FLOAT ? x : b.cast(x, ElementType.FLOAT);
    }

    /** Writes the float32 value {@code x} to the graph output {@code name} of element type {@code io}. */
    static void out(Blocks b, String x, String name, ElementType io) {
        if (io == ElementType.FLOAT) {
            b.opInto("Identity", x, name);
        } else {
            b.opInto("Cast", x, name, Attribute.of("to", io.code()));
        }
    }

    /**
     * Whisper's sinusoidal position table {@code [length, channels]}: the first half of the
     * channels {@code sin(t * inv[i])}, the second half {@code cos(t * inv[i])}, with
     * {@code inv[i] = exp(-i * ln(10000) / (channels/2 - 1))}.
     */
    public static float[] sinusoids(int length, int channels) {
        if (channels % 2 != 0 || channels < 4) {
            throw new IllegalArgumentException("sinusoidal positions need an even channel count of at least 4: " + channels);
        }
        int half = channels / 2;
        double increment = Math.log(10000.0) / (half - 1);
        float[] out = new float[length * channels];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < half; i++) {
                double angle = t * Math.exp(-increment * i);
                out[t * channels + i] = (float) Math.sin(angle);
                out[t * channels + half + i] = (float) Math.cos(angle);
            }
        }
        return out;
    }

    /** {@code Conv1d(in, out, kernel 3, padding 1, stride)} over {@code [b, in, len]}, weight {@code [out, in, 3]}. */
    static String conv(Blocks b, String x, String name, int in, int out, int stride) {
        Weights w = b.weights();
        String weight = w.param(name + ".weight", Weights.Init.UNIFORM, Math.sqrt(3.0 / (3.0 * in)), out, in, 3);
        String bias = w.param(name + ".bias", Weights.Init.UNIFORM, 0.02, out);
        return b.op("Conv", List.of(x, weight, bias), Attribute.ints("dilations", 1), Attribute.of("group", 1),
                Attribute.ints("kernel_shape", 3), Attribute.ints("pads", 1, 1), Attribute.ints("strides", stride));
    }

    /** Exact GELU ({@code nn.GELU()}): {@code 0.5 x (1 + erf(x / sqrt(2)))}. */
    static String gelu(Blocks b, String x) {
        Weights w = b.weights();
        String erf = b.op("Erf", b.op("Div", List.of(x, w.floatScalar((float) Math.sqrt(2.0)))));
        return b.mul(b.mul(x, b.add(erf, w.floatScalar(1f))), w.floatScalar(0.5f));
    }

    static String mlp(Blocks b, String x, String layer, Config c) {
        String m = gelu(b, b.linear(x, layer + ".fc1", c.dModel(), c.ffnDim(), true));
        return b.linear(m, layer + ".fc2", c.ffnDim(), c.dModel(), true);
    }

    record KeyValue(String key, String value) {
    }

    /** Heads of {@code q_proj(x)} (with bias): {@code [b, H, s, D]}. */
    static String query(Blocks b, String x, String name, Config c) {
        return b.splitHeads(b.linear(x, name + ".q_proj", c.dModel(), c.dModel(), true), c.heads(), c.headDim());
    }

    /** Heads of {@code k_proj(x)} (no bias, as Whisper) and {@code v_proj(x)} (with bias). */
    static KeyValue keyValue(Blocks b, String x, String name, Config c) {
        String k = b.splitHeads(b.linear(x, name + ".k_proj", c.dModel(), c.dModel(), false), c.heads(), c.headDim());
        String v = b.splitHeads(b.linear(x, name + ".v_proj", c.dModel(), c.dModel(), true), c.heads(), c.headDim());
        return new KeyValue(k, v);
    }

    /** Scaled dot product under {@code mask}, heads merged, {@code out_proj}. */
    static String attend(Blocks b, String q, String k, String v, String mask, String name, Config c) {
        String context = b.mergeHeads(b.scaledDotProduct(q, k, v, mask, c.headDim()), c.heads(), c.headDim());
        return b.linear(context, name + ".out_proj", c.dModel(), c.dModel(), true);
    }

    // ---------------------------------------------------------------- decoder

    private static OnnxModel decoder(Config c, boolean withPast, boolean merged, Dtype dtype) {
        ElementType io = io(dtype);
        String graphName = merged ? "whisper_decoder_merged" : withPast ? "whisper_decoder_with_past" : "whisper_decoder";
        Graph g = new Graph(graphName);
        g.input(INPUT_IDS, ElementType.INT64, BATCH, DECODER_SEQUENCE);
        if (!withPast || merged) {
            g.input(ENCODER_HIDDEN_STATES, io, BATCH, ENCODER_OUT_SEQUENCE, c.dModel());
        }
        if (withPast) {
            for (int i = 0; i < c.decoderLayers(); i++) {
                g.input(pastDecoderKey(i), io, BATCH, c.heads(), PAST_DECODER_SEQUENCE, c.headDim());
                g.input(pastDecoderValue(i), io, BATCH, c.heads(), PAST_DECODER_SEQUENCE, c.headDim());
                g.input(pastEncoderKey(i), io, BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
                g.input(pastEncoderValue(i), io, BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
            }
        }
        Weights w = weights(dtype, g, c.seed());
        boolean encoderCacheOut = !withPast || merged;
        List<String> outs = decoderOutputNames(c.decoderLayers(), encoderCacheOut);
        if (!merged) {
            Blocks b = new Blocks(g, w, "");
            emit(b, decoderBody(b, c, withPast, io), outs, encoderCacheOut, io);
        } else {
            g.input(USE_CACHE_BRANCH, ElementType.BOOL, 1);
            Graph withPastBranch = branch(graphName + "_with_past", "with_past/", c, w, true, io);
            Graph noPastBranch = branch(graphName + "_without_past", "without_past/", c, w, false, io);
            g.node("If", List.of(USE_CACHE_BRANCH), outs,
                    Attribute.of("then_branch", withPastBranch), Attribute.of("else_branch", noPastBranch)).name("optimum::if");
        }
        declareOutputs(g, "", c, encoderCacheOut, io);
        return new OnnxModel(g).opset(17).producer("genloom-model-zoo", "test-kit");
    }

    private static Graph branch(String name, String prefix, Config c, Weights w, boolean withPast, ElementType io) {
        Graph sub = new Graph(name);
        Blocks b = new Blocks(sub, w, prefix);
        List<String> outs = new ArrayList<>();
        for (String o : decoderOutputNames(c.decoderLayers(), true)) {
            outs.add(prefix + o);
        }
        emit(b, decoderBody(b, c, withPast, io), outs, true, io);
        declareOutputs(sub, prefix, c, true, io);
        return sub;
    }

    /** What a decoder body produced: logits and, per layer, self- and cross-attention caches. */
    record DecoderOutputs(String logits, List<KeyValue> selfCache, List<KeyValue> crossCache) {
    }

    /**
     * The decoder. Without past: cross-attention keys and values from
     * {@code encoder_hidden_states}, self-attention over the new tokens only. With past: the new
     * self-attention keys and values appended to {@code past_key_values.{i}.decoder.*}, the
     * cross-attention ones read from {@code past_key_values.{i}.encoder.*} (and returned as the
     * cross cache unchanged). Float16 inputs ({@code io}) are cast to float32 first.
     */
    static DecoderOutputs decoderBody(Blocks b, Config c, boolean withPast, ElementType io) {
        Weights w = b.weights();
        String seq = b.dim(INPUT_IDS, 1);
        String past = withPast ? b.dim(pastDecoderKey(0), 2) : w.intScalar(0);
        String total = b.add(past, seq);
        String one = w.intScalar(1);
        String positionIds = b.op("Range", List.of(past, total, one));                       // [s]: past .. total-1
        String embedTokens = b.embeddingTable("model.decoder.embed_tokens", c.vocabSize(), c.dModel());
        String tokens = b.op("Gather", List.of(embedTokens, INPUT_IDS), Attribute.of("axis", 0));   // [b, s, d]
        String positions = b.embedding(positionIds, "model.decoder.embed_positions", c.targetPositions(), c.dModel());
        String h = b.add(tokens, positions);
        String keyPositions = b.op("Range", List.of(w.intScalar(0), total, one));             // [t]
        String causal = b.op("LessOrEqual", List.of(b.unsqueeze(keyPositions, 0), b.unsqueeze(positionIds, 1)));   // [s, t]

        String encoderHidden = withPast ? null : toFloat(b, ENCODER_HIDDEN_STATES, io);
        List<KeyValue> selfCache = new ArrayList<>();
        List<KeyValue> crossCache = new ArrayList<>();
        for (int i = 0; i < c.decoderLayers(); i++) {
            String layer = "model.decoder.layers." + i;
            String a = b.layerNorm(h, layer + ".self_attn_layer_norm", c.dModel(), LN_EPS);
            String q = query(b, a, layer + ".self_attn", c);
            KeyValue kv = keyValue(b, a, layer + ".self_attn", c);
            if (withPast) {
                kv = new KeyValue(b.op("Concat", List.of(toFloat(b, pastDecoderKey(i), io), kv.key()), Attribute.of("axis", 2)),
                        b.op("Concat", List.of(toFloat(b, pastDecoderValue(i), io), kv.value()), Attribute.of("axis", 2)));
            }
            selfCache.add(kv);
            h = b.add(h, attend(b, q, kv.key(), kv.value(), causal, layer + ".self_attn", c));

            a = b.layerNorm(h, layer + ".encoder_attn_layer_norm", c.dModel(), LN_EPS);
            q = query(b, a, layer + ".encoder_attn", c);
            KeyValue cross = withPast
                    ? new KeyValue(toFloat(b, pastEncoderKey(i), io), toFloat(b, pastEncoderValue(i), io))
                    : keyValue(b, encoderHidden, layer + ".encoder_attn", c);
            crossCache.add(cross);
            h = b.add(h, attend(b, q, cross.key(), cross.value(), null, layer + ".encoder_attn", c));

            h = b.add(h, mlp(b, b.layerNorm(h, layer + ".final_layer_norm", c.dModel(), LN_EPS), layer, c));
        }
        h = b.layerNorm(h, "model.decoder.layer_norm", c.dModel(), LN_EPS);
        return new DecoderOutputs(b.tiedHead(h, embedTokens), selfCache, crossCache);
    }

    private static void emit(Blocks b, DecoderOutputs out, List<String> names, boolean encoderCache, ElementType io) {
        List<String> values = new ArrayList<>();
        values.add(out.logits());
        for (int i = 0; i < out.selfCache().size(); i++) {
            values.add(out.selfCache().get(i).key());
            values.add(out.selfCache().get(i).value());
            if (encoderCache) {
                values.add(out.crossCache().get(i).key());
                values.add(out.crossCache().get(i).value());
            }
        }
        if (values.size() != names.size()) {
            throw new IllegalStateException("decoder gave " + values.size() + " outputs, the signature has " + names.size());
        }
        for (int i = 0; i < names.size(); i++) {
            out(b, values.get(i), names.get(i), io);
        }
    }

    private static void declareOutputs(Graph g, String prefix, Config c, boolean encoderCache, ElementType io) {
        g.output(prefix + LOGITS, io, BATCH, DECODER_SEQUENCE, c.vocabSize());
        for (int i = 0; i < c.decoderLayers(); i++) {
            g.output(prefix + presentDecoderKey(i), io, BATCH, c.heads(), PRESENT_DECODER_SEQUENCE, c.headDim());
            g.output(prefix + presentDecoderValue(i), io, BATCH, c.heads(), PRESENT_DECODER_SEQUENCE, c.headDim());
            if (encoderCache) {
                g.output(prefix + presentEncoderKey(i), io, BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
                g.output(prefix + presentEncoderValue(i), io, BATCH, c.heads(), ENCODER_CACHE_SEQUENCE, c.headDim());
            }
        }
    }
}
