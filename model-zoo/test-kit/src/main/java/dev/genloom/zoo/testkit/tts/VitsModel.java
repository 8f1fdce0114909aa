package dev.genloom.zoo.testkit.tts;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * A VITS text-to-speech folder laid out as the MMS-TTS models ({@code facebook/mms-tts-*}) are
 * exported for Transformers.js by Optimum ({@code VitsOnnxConfig}), with seeded random weights:
 *
 * <pre>
 * config.json               model_type vits, sampling_rate 16000, hidden_size, vocab_size, speaking_rate,
 *                           noise_scale, noise_scale_duration, upsample_rates, ...
 * vocab.json                character vocabulary, {@value #PAD} (id 0) the padding and blank token
 * tokenizer_config.json     VitsTokenizer: add_blank, normalize (lowercase), phonemize false, is_uroman false
 * special_tokens_map.json
 * onnx/model.onnx           input_ids, attention_mask [text_batch_size, sequence_length] (int64)
 *                           -&gt; waveform [text_batch_size, n_samples] (float, in [-1, 1]),
 *                              spectrogram [text_batch_size, flow_size, num_bins] (float)
 * </pre>
 *
 * There is no {@code tokenizer.json}: the MMS checkpoints ship a character vocabulary that
 * Transformers' {@code VitsTokenizer} applies in code (lowercase, drop characters outside the
 * vocabulary, intersperse the blank id 0 between characters when {@code add_blank}).
 *
 * <p>The network is a small, noise-free VITS: token embeddings scaled by {@code sqrt(hidden)},
 * post-LayerNorm encoder layers (multi-head attention under the padding mask, then a
 * ReLU feed-forward of two {@code Conv1d}s), a {@code Conv1d} projection to the prior means
 * ({@code flow_size} channels; the log variances are computed and, with no noise, unused); a
 * deterministic duration predictor ({@code Conv1d}, ReLU, LayerNorm, twice, then a 1x1
 * projection) whose log durations are bounded by {@code 0.8 tanh(x) + 0.6}, so that every token
 * gets {@code ceil(exp(log_duration) * length_scale)} frames, between 1 and 5 at speaking rate 1,
 * and padding gets none; length regulation as VITS does it, by a path matrix built from the
 * cumulative durations ({@code CumSum}, {@code Range}, comparisons) multiplied with the means;
 * a residual {@code Conv1d} standing in for the flow ({@code spectrogram}, zero on frames past a
 * row's length); and a HiFi-GAN style decoder: {@code conv_pre}, per upsample rate a LeakyReLU and a
 * {@code ConvTranspose} (kernel {@code 2 * rate}, stride {@code rate}), LeakyReLU, {@code conv_post}
 * to one channel, tanh. The waveform has {@code sum(durations) * hop} samples per row (the batch's
 * longest), {@code hop} being the product of the upsample rates. Unlike a real export, no
 * {@code RandomNormalLike} noise is drawn, so outputs are deterministic.
 */
public final class VitsModel {

    public static final String MODEL_TYPE = "vits";
    /** Padding and blank token, id 0. */
    public static final String PAD = "_";
    /** The character vocabulary in id order: pad/blank, space and punctuation, letters, digits. */
    public static final String CHARACTERS = PAD + " '-abcdefghijklmnopqrstuvwxyz0123456789";
    public static final int SAMPLING_RATE = 16000;
    public static final double LAYER_NORM_EPS = 1e-5;
    /** Most frames a token can get at speaking rate 1: {@code ceil(exp(0.8 + 0.6))}. */
    public static final int MAX_FRAMES_PER_TOKEN = 5;

    /**
     * Sizes and seed. {@code upsampleRates} multiply to the hop (samples per frame); the decoder
     * halves its channels, starting at {@code upsampleChannels}, at each rate.
     */
    public record Config(int hidden, int layers, int heads, int ffnDim, int kernel, int flowSize,
                         int durationFilter, int upsampleChannels, List<Integer> upsampleRates, long seed) {
        public Config {
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("hidden_size " + hidden + " is not a multiple of heads " + heads);
            }
            if (kernel % 2 != 1) {
                throw new IllegalArgumentException("the feed-forward kernel must be odd, not " + kernel);
            }
            upsampleRates = List.copyOf(upsampleRates);
            if (upsampleChannels >> upsampleRates.size() < 1) {
                throw new IllegalArgumentException("upsample_initial_channel " + upsampleChannels
                        + " cannot be halved " + upsampleRates.size() + " times");
            }
            for (int r : upsampleRates) {
                if (r < 2 || r % 2 != 0) {
                    throw new IllegalArgumentException("upsample rates must be even, not " + r);
                }
            }
        }

        public int vocabSize() {
            return CHARACTERS.length();
        }

        /** Samples per frame: the product of the upsample rates. */
        public int hop() {
            int h = 1;
            for (int r : upsampleRates) {
                h *= r;
            }
            return h;
        }
    }

    /** The test kit's tiny VITS: hidden 16, 2 layers of 2 heads, flow 8, decoder 32 channels, hop 8*8*4 = 256. */
    public static final Config TINY = new Config(16, 2, 2, 32, 3, 8, 16, 32, List.of(8, 8, 4), 11);
    /** MMS-TTS sizes (hidden 192, 6 layers, 2 heads, ffn 768, flow 192, decoder 512 channels, hop 256), for benchmarks. */
    public static final Config MMS_TTS = new Config(192, 6, 2, 768, 3, 192, 256, 512, List.of(8, 8, 2, 2), 11);

    private VitsModel() {
    }

    /** Writes the JSON files and {@code onnx/model.onnx} into {@code folder}. */
    public static Path write(Path folder, Config c) {
        Json.write(folder.resolve("config.json"), config(c));
        Json.write(folder.resolve("vocab.json"), vocab());
        Json.write(folder.resolve("tokenizer_config.json"), tokenizerConfig());
        Json.write(folder.resolve("special_tokens_map.json"), specialTokensMap());
        model(c).write(folder.resolve("onnx").resolve("model.onnx"));
        return folder;
    }

    /** The character ids of {@code text} as {@code VitsTokenizer} gives them: lowercased, unknown characters dropped, blanks (0) interspersed. */
    public static long[] encode(String text, boolean addBlank) {
        List<Long> ids = new ArrayList<>();
        for (char ch : text.toLowerCase(Locale.ROOT).toCharArray()) {
            int id = CHARACTERS.indexOf(ch);
            if (id > 0) {
                ids.add((long) id);
            }
        }
        int n = addBlank ? 2 * ids.size() + 1 : ids.size();
        long[] out = new long[n];
        for (int i = 0; i < ids.size(); i++) {
            out[addBlank ? 2 * i + 1 : i] = ids.get(i);
        }
        return out;
    }

    // ---------------------------------------------------------------- graph

    /** {@code onnx/model.onnx}. */
    public static OnnxModel model(Config c) {
        Graph g = new Graph("vits");
        g.input("input_ids", ElementType.INT64, "text_batch_size", "sequence_length");
        g.input("attention_mask", ElementType.INT64, "text_batch_size", "sequence_length");
        Blocks b = new Blocks(g, new Weights(g, c.seed(), ElementType.FLOAT), "");
        Weights w = b.weights();

        // text encoder, [b, s, hidden]
        String maskF = b.cast("attention_mask", ElementType.FLOAT);                             // [b, s]
        String maskRows = b.unsqueeze(maskF, 2);                                          // [b, s, 1]
        String maskChannels = b.unsqueeze(maskF, 1);                                      // [b, 1, s]
        String h = b.embedding("input_ids", "text_encoder.embed_tokens", c.vocabSize(), c.hidden());
        h = b.mul(b.mul(h, w.floatScalar((float) Math.sqrt(c.hidden()))), maskRows);
        String attentionMask = b.unsqueeze(b.cast("attention_mask", ElementType.BOOL), 1, 2);   // [b, 1, 1, s]
        Blocks.Attention spec = Blocks.Attention.multiHead(c.hidden(), c.heads());
        for (int i = 0; i < c.layers(); i++) {
            String layer = "text_encoder.encoder.layers." + i;
            String a = b.attention(h, spec, layer + ".attention", null, null, attentionMask, null).output();
            h = b.layerNorm(b.add(h, a), layer + ".layer_norm", c.hidden(), LAYER_NORM_EPS);
            String x = b.transpose(h, 0, 2, 1);                                           // [b, hidden, s]
            x = conv1d(b, b.mul(x, maskChannels), layer + ".feed_forward.conv_1", c.hidden(), c.ffnDim(), c.kernel(), true);
            x = conv1d(b, b.mul(b.op("Relu", x), maskChannels), layer + ".feed_forward.conv_2", c.ffnDim(), c.hidden(), c.kernel(), true);
            x = b.transpose(b.mul(x, maskChannels), 0, 2, 1);
            h = b.layerNorm(b.add(h, x), layer + ".final_layer_norm", c.hidden(), LAYER_NORM_EPS);
        }
        String hidden = b.mul(b.transpose(h, 0, 2, 1), maskChannels);                     // [b, hidden, s]
        String stats = b.mul(conv1d(b, hidden, "text_encoder.project", c.hidden(), 2L * c.flowSize(), 1, true), maskChannels);
        String means = b.slice(stats, 1, 0, c.flowSize());                                // [b, flow, s]

        // durations: ceil(exp(log_duration) * mask * length_scale), length_scale = 1 / speaking_rate = 1
        String d = conv1d(b, b.mul(hidden, maskChannels), "duration_predictor.conv_1", c.hidden(), c.durationFilter(), c.kernel(), true);
        d = channelNorm(b, b.op("Relu", d), "duration_predictor.norm_1", c.durationFilter());
        d = conv1d(b, b.mul(d, maskChannels), "duration_predictor.conv_2", c.durationFilter(), c.durationFilter(), c.kernel(), true);
        d = channelNorm(b, b.op("Relu", d), "duration_predictor.norm_2", c.durationFilter());
        d = conv1d(b, b.mul(d, maskChannels), "duration_predictor.proj", c.durationFilter(), 1, 1, true);   // [b, 1, s]
        String logDuration = b.add(b.mul(b.op("Tanh", d), w.floatScalar(0.8f)), w.floatScalar(0.6f));
        String durations = b.op("Ceil", b.mul(b.op("Exp", logDuration), maskChannels));   // [b, 1, s]
        String frames = b.cast(b.reshape(durations, 0, -1), ElementType.INT64);                 // [b, s]

        // length regulation: path[b, t, j] = start_j <= t < end_j
        String ends = b.op("CumSum", List.of(frames, w.intScalar(1)));                    // [b, s]
        String starts = b.op("Sub", List.of(ends, frames));
        String lengths = b.op("Max", List.of(b.op("ReduceSum", List.of(frames, w.ints(1)), Attribute.of("keepdims", 0)),
                w.intScalar(1)));                                                          // [b], at least 1 as VITS clamps
        String total = b.op("ReduceMax", lengths, Attribute.of("keepdims", 0));            // scalar
        String t = b.op("Range", List.of(w.intScalar(0), total, w.intScalar(1)));          // [T]
        String tCol = b.unsqueeze(t, 0, 2);                                                // [1, T, 1]
        String path = b.op("And", List.of(
                b.op("GreaterOrEqual", List.of(tCol, b.unsqueeze(starts, 1))),
                b.op("Less", List.of(tCol, b.unsqueeze(ends, 1)))));                       // [b, T, s]
        path = b.cast(path, ElementType.FLOAT);
        String frameMask = b.unsqueeze(b.cast(b.op("Less", List.of(b.unsqueeze(t, 0), b.unsqueeze(lengths, 1))), ElementType.FLOAT), 1);   // [b, 1, T]
        String latents = b.matMul(means, b.transpose(path, 0, 2, 1));                     // [b, flow, T]

        // the flow's stand-in: a residual Conv1d, masked to each row's frames
        String flow = conv1d(b, latents, "flow.conv", c.flowSize(), c.flowSize(), c.kernel(), true);
        g.node("Mul", List.of(b.add(latents, flow), frameMask), List.of("spectrogram")).name("to/spectrogram");

        // HiFi-GAN style decoder
        int channels = c.upsampleChannels();
        String x = conv1d(b, "spectrogram", "decoder.conv_pre", c.flowSize(), channels, 7, true);
        for (int i = 0; i < c.upsampleRates().size(); i++) {
            int rate = c.upsampleRates().get(i);
            x = b.op("LeakyRelu", x, Attribute.of("alpha", 0.1f));
            String weight = w.param("decoder.upsampler." + i + ".weight", Weights.Init.UNIFORM,
                    Math.sqrt(3.0 / (channels * 2.0)), channels, channels / 2, 2L * rate);
            String bias = w.param("decoder.upsampler." + i + ".bias", Weights.Init.UNIFORM, 0.02, channels / 2);
            x = b.op("ConvTranspose", List.of(x, weight, bias),
                    Attribute.ints("kernel_shape", 2L * rate), Attribute.ints("strides", rate),
                    Attribute.ints("pads", rate / 2, rate / 2));
            channels /= 2;
        }
        x = conv1d(b, b.op("LeakyRelu", x, Attribute.of("alpha", 0.01f)), "decoder.conv_post", channels, 1, 7, false);
        b.opInto("Tanh", b.reshape(x, 0, -1), "waveform");                                  // [b, T * hop]
        g.output("waveform", ElementType.FLOAT, "text_batch_size", "n_samples");
        g.output("spectrogram", ElementType.FLOAT, "text_batch_size", (long) c.flowSize(), "num_bins");
        return new OnnxModel(g).opset(17);
    }

    /** {@code Conv1d} on {@code [b, in, L]} with {@code "same"} padding: weight {@code <name>.weight [out, in, k]}, bias {@code <name>.bias}. */
    static String conv1d(Blocks b, String x, String name, long in, long out, int kernel, boolean bias) {
        String weight = b.weights().param(name + ".weight", Weights.Init.UNIFORM, Math.sqrt(3.0 / (in * kernel)), out, in, kernel);
        List<String> inputs = new ArrayList<>(List.of(x, weight));
        if (bias) {
            inputs.add(b.weights().param(name + ".bias", Weights.Init.UNIFORM, 0.02, out));
        }
        return b.op("Conv", inputs, Attribute.ints("kernel_shape", kernel),
                Attribute.ints("pads", kernel / 2, kernel / 2));
    }

    /** LayerNorm over the channels of {@code [b, C, L]}. */
    static String channelNorm(Blocks b, String x, String name, long channels) {
        return b.transpose(b.layerNorm(b.transpose(x, 0, 2, 1), name, channels, LAYER_NORM_EPS), 0, 2, 1);
    }

    // ---------------------------------------------------------------- files

    static ObjectNode vocab() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < CHARACTERS.length(); i++) {
            o.put(String.valueOf(CHARACTERS.charAt(i)), i);
        }
        return o;
    }

    static ObjectNode tokenizerConfig() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("add_blank", true);
        o.put("clean_up_tokenization_spaces", true);
        o.put("is_uroman", false);
        o.put("language", "eng");
        o.put("model_max_length", 4096);
        o.put("normalize", true);
        o.put("pad_token", PAD);
        o.put("phonemize", false);
        o.put("tokenizer_class", "VitsTokenizer");
        o.put("unk_token", "<unk>");
        o.put("verbose", false);
        return o;
    }

    static ObjectNode specialTokensMap() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("pad_token", PAD);
        o.put("unk_token", "<unk>");
        return o;
    }

    static ObjectNode config(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", MODEL_TYPE);
        o.putArray("architectures").add("VitsModel");
        o.put("vocab_size", c.vocabSize());
        o.put("pad_token_id", 0);
        o.put("hidden_size", c.hidden());
        o.put("num_hidden_layers", c.layers());
        o.put("num_attention_heads", c.heads());
        o.put("ffn_dim", c.ffnDim());
        o.put("ffn_kernel_size", c.kernel());
        o.put("flow_size", c.flowSize());
        o.put("duration_predictor_filter_channels", c.durationFilter());
        o.put("use_stochastic_duration_prediction", false);
        o.put("layer_norm_eps", LAYER_NORM_EPS);
        o.put("hidden_act", "relu");
        o.put("upsample_initial_channel", c.upsampleChannels());
        ArrayNode rates = o.putArray("upsample_rates");
        ArrayNode kernels = o.putArray("upsample_kernel_sizes");
        for (int r : c.upsampleRates()) {
            rates.add(r);
            kernels.add(2 * r);
        }
        o.put("leaky_relu_slope", 0.1);
        o.put("sampling_rate", SAMPLING_RATE);
        o.put("speaking_rate", 1.0);
        o.put("noise_scale", 0.667);
        o.put("noise_scale_duration", 0.8);
        return o;
    }

    /** The vocabulary as a map, id order. */
    public static Map<String, Integer> vocabulary() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < CHARACTERS.length(); i++) {
            out.put(String.valueOf(CHARACTERS.charAt(i)), i);
        }
        return out;
    }
}
