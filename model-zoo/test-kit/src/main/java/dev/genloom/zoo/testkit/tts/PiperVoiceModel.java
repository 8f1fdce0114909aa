package dev.genloom.zoo.testkit.tts;

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

/**
 * A Piper voice laid out as Piper ships them ({@code rhasspy/piper-voices}), with seeded random
 * weights: two files side by side,
 *
 * <pre>
 * VOICE.onnx        input int64 [1, phonemes], input_lengths int64 [1],
 *                   scales float [3] (noise_scale, length_scale, noise_w),
 *                   sid int64 [1] (multi-speaker voices only)
 *                   -&gt; output float [1, 1, samples] (in [-1, 1])
 * VOICE.onnx.json   audio.sample_rate, espeak.voice, phoneme_type "espeak",
 *                   inference.noise_scale / length_scale / noise_w, phoneme_id_map
 *                   (phoneme -&gt; list of ids; "_" pad, "^" BOS, "$" EOS), num_symbols,
 *                   num_speakers, speaker_id_map (name -&gt; id), piper_version, dataset, language
 * </pre>
 *
 * The phoneme symbols are those of Piper's espeak voices (pad, BOS, EOS, space, punctuation, the
 * Latin letters and the IPA letters and marks espeak-ng prints), one id each in {@link #SYMBOLS}
 * order (the ids are this kit's, not a real voice's).
 *
 * <p>The network is {@link VitsModel}'s kind of small VITS, cut to batch 1: phoneme embeddings
 * (plus a speaker embedding {@code emb_g} gathered by {@code sid} in the multi-speaker variant),
 * two masked residual {@code Conv1d} blocks as the text encoder, a projection to prior means, the
 * same deterministic duration predictor (every phoneme gets
 * {@code ceil(exp(log_duration) * length_scale)} frames, {@code log_duration} in [1.7, 2.9]
 * (6 to 19 frames at length_scale 1, a real voice's order, so that halving length_scale about
 * halves the samples),
 * phonemes past {@code input_lengths} none), length regulation by a path matrix, and the
 * HiFi-GAN style decoder: {@code sum(frames) * hop} samples. Where a real export draws
 * Gaussian noise ({@code RandomNormalLike}) scaled by {@code noise_scale}, this one adds the
 * deterministic {@code noise_scale * sin(0.37 t)} on frame {@code t}, so that outputs repeat;
 * {@code noise_w} (the stochastic duration predictor's noise in a real voice) is read by no node.
 */
public final class PiperVoiceModel {

    /** Pad, BOS, EOS. */
    public static final String PAD = "_";
    public static final String BOS = "^";
    public static final String EOS = "$";
    /** The phoneme symbols in id order. */
    public static final List<String> SYMBOLS = symbols();
    public static final int SAMPLE_RATE = 16000;
    public static final String ESPEAK_VOICE = "en-us";
    public static final double NOISE_SCALE = 0.667;
    public static final double LENGTH_SCALE = 1.0;
    public static final double NOISE_W = 0.8;
    /** {@code log_duration = LOG_DURATION_MID + LOG_DURATION_SPREAD * tanh(x)}. */
    public static final double LOG_DURATION_MID = 2.3;
    public static final double LOG_DURATION_SPREAD = 0.6;
    /** Fewest and most frames of one phoneme at length_scale 1: {@code ceil(exp(1.7))}, {@code ceil(exp(2.9))}. */
    public static final int MIN_FRAMES = 6;
    public static final int MAX_FRAMES = 19;

    /** Sizes, speakers (1: no {@code sid} input) and seed. */
    public record Config(int hidden, int kernel, int flowSize, int durationFilter, int upsampleChannels,
                         List<Integer> upsampleRates, int speakers, long seed) {
        public Config {
            upsampleRates = List.copyOf(upsampleRates);
            if (speakers < 1) {
                throw new IllegalArgumentException("speakers must be >= 1, not " + speakers);
            }
        }

        /** Samples per frame. */
        public int hop() {
            int h = 1;
            for (int r : upsampleRates) {
                h *= r;
            }
            return h;
        }

        public boolean multiSpeaker() {
            return speakers > 1;
        }
    }

    /** Single speaker: hidden 16, flow 8, decoder 32 channels, hop 8*8*4 = 256. */
    public static final Config TINY = new Config(16, 3, 8, 16, 32, List.of(8, 8, 4), 1, 23);
    /** {@link #TINY} with three speakers ({@link #speakerNames}). */
    public static final Config TINY_MULTI = new Config(16, 3, 8, 16, 32, List.of(8, 8, 4), 3, 29);

    private PiperVoiceModel() {
    }

    /** The speaker names of a voice, id order: {@code speaker_0}, ... (empty for one speaker). */
    public static List<String> speakerNames(Config c) {
        List<String> names = new ArrayList<>();
        for (int i = 0; c.multiSpeaker() && i < c.speakers(); i++) {
            names.add("speaker_" + i);
        }
        return names;
    }

    /** Writes {@code folder/<voice>.onnx} and {@code folder/<voice>.onnx.json}; returns {@code folder}. */
    public static Path write(Path folder, String voice, Config c) {
        model(c).write(folder.resolve(voice + ".onnx"));
        Json.write(folder.resolve(voice + ".onnx.json"), config(c));
        return folder;
    }

    /** The phoneme id map: each symbol to the one id of its position. */
    public static Map<String, List<Integer>> phonemeIdMap() {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < SYMBOLS.size(); i++) {
            out.put(SYMBOLS.get(i), List.of(i));
        }
        return out;
    }

    private static List<String> symbols() {
        List<String> s = new ArrayList<>(List.of(PAD, BOS, EOS, " ", "!", "'", "(", ")", ",", "-", ".", ":", ";", "?"));
        for (char ch = 'a'; ch <= 'z'; ch++) {
            s.add(String.valueOf(ch));
        }
        String ipa = "æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ";
        ipa.codePoints().forEach(cp -> s.add(new String(Character.toChars(cp))));
        s.add("\u0303");   // combining tilde (nasal)
        s.add("\u0329");   // combining vertical line below (syllabic)
        s.add("\u032a");   // combining bridge below (dental)
        s.add("\u0361");   // combining double inverted breve (tie)
        return List.copyOf(s);
    }

    // ---------------------------------------------------------------- graph

    /** {@code VOICE.onnx}. */
    public static OnnxModel model(Config c) {
        Graph g = new Graph("piper");
        g.input("input", ElementType.INT64, 1L, "phonemes");
        g.input("input_lengths", ElementType.INT64, 1L);
        g.input("scales", ElementType.FLOAT, 3L);
        if (c.multiSpeaker()) {
            g.input("sid", ElementType.INT64, 1L);
        }
        Blocks b = new Blocks(g, new Weights(g, c.seed(), ElementType.FLOAT), "");
        Weights w = b.weights();

        String n = b.dim("input", 1);
        String positions = b.op("Range", List.of(w.intScalar(0), n, w.intScalar(1)));         // [n]
        String valid = b.op("Less", List.of(b.unsqueeze(positions, 0), b.unsqueeze("input_lengths", 1)));   // [1, n]
        String maskChannels = b.unsqueeze(b.cast(valid, ElementType.FLOAT), 1);           // [1, 1, n]
        String noiseScale = b.op("Gather", List.of("scales", w.intScalar(0)), Attribute.of("axis", 0));
        String lengthScale = b.op("Gather", List.of("scales", w.intScalar(1)), Attribute.of("axis", 0));

        String h = b.embedding("input", "enc_p.emb", SYMBOLS.size(), c.hidden());          // [1, n, hidden]
        h = b.mul(h, w.floatScalar((float) Math.sqrt(c.hidden())));
        if (c.multiSpeaker()) {
            String speaker = b.embedding("sid", "emb_g", c.speakers(), c.hidden());         // [1, hidden]
            h = b.add(h, b.unsqueeze(speaker, 1));
        }
        String x = b.mul(b.transpose(h, 0, 2, 1), maskChannels);                          // [1, hidden, n]
        for (int i = 0; i < 2; i++) {
            String name = "enc_p.encoder." + i;
            String y = VitsModel.conv1d(b, x, name + ".conv_1", c.hidden(), c.hidden(), c.kernel(), true);
            y = VitsModel.conv1d(b, b.mul(b.op("Relu", y), maskChannels), name + ".conv_2", c.hidden(), c.hidden(), c.kernel(), true);
            x = VitsModel.channelNorm(b, b.mul(b.add(x, y), maskChannels), name + ".norm", c.hidden());
        }
        String means = b.mul(VitsModel.conv1d(b, x, "enc_p.proj", c.hidden(), c.flowSize(), 1, true), maskChannels);

        String d = VitsModel.conv1d(b, b.mul(x, maskChannels), "dp.conv_1", c.hidden(), c.durationFilter(), c.kernel(), true);
        d = VitsModel.channelNorm(b, b.op("Relu", d), "dp.norm_1", c.durationFilter());
        d = VitsModel.conv1d(b, b.mul(d, maskChannels), "dp.proj", c.durationFilter(), 1, 1, true);   // [1, 1, n]
        String logDuration = b.add(b.mul(b.op("Tanh", d), w.floatScalar((float) LOG_DURATION_SPREAD)), w.floatScalar((float) LOG_DURATION_MID));
        String durations = b.op("Ceil", b.mul(b.mul(b.op("Exp", logDuration), maskChannels), lengthScale));
        String frames = b.cast(b.reshape(durations, 0, -1), ElementType.INT64);                 // [1, n]

        String ends = b.op("CumSum", List.of(frames, w.intScalar(1)));
        String starts = b.op("Sub", List.of(ends, frames));
        String total = b.op("Max", List.of(b.op("ReduceSum", List.of(frames, w.ints(1)), Attribute.of("keepdims", 0)),
                w.ints(1)));                                                               // [1]
        String t = b.op("Range", List.of(w.intScalar(0), b.op("Squeeze", List.of(total, w.ints(0))), w.intScalar(1)));
        String tCol = b.unsqueeze(t, 0, 2);                                                // [1, T, 1]
        String path = b.cast(b.op("And", List.of(
                b.op("GreaterOrEqual", List.of(tCol, b.unsqueeze(starts, 1))),
                b.op("Less", List.of(tCol, b.unsqueeze(ends, 1))))), ElementType.FLOAT);   // [1, T, n]
        String latents = b.matMul(means, b.transpose(path, 0, 2, 1));                     // [1, flow, T]
        String noise = b.op("Sin", b.mul(b.cast(t, ElementType.FLOAT), w.floatScalar(0.37f)));   // [T]
        latents = b.add(latents, b.mul(noise, noiseScale));

        int channels = c.upsampleChannels();
        String y = VitsModel.conv1d(b, latents, "dec.conv_pre", c.flowSize(), channels, 7, true);
        for (int i = 0; i < c.upsampleRates().size(); i++) {
            int rate = c.upsampleRates().get(i);
            y = b.op("LeakyRelu", y, Attribute.of("alpha", 0.1f));
            String weight = w.param("dec.ups." + i + ".weight", Weights.Init.UNIFORM,
                    Math.sqrt(3.0 / (channels * 2.0)), channels, channels / 2, 2L * rate);
            String bias = w.param("dec.ups." + i + ".bias", Weights.Init.UNIFORM, 0.02, channels / 2);
            y = b.op("ConvTranspose", List.of(y, weight, bias),
                    Attribute.ints("kernel_shape", 2L * rate), Attribute.ints("strides", rate),
                    Attribute.ints("pads", rate / 2, rate / 2));
            channels /= 2;
        }
        y = VitsModel.conv1d(b, b.op("LeakyRelu", y, Attribute.of("alpha", 0.01f)), "dec.conv_post", channels, 1, 7, false);
        b.opInto("Tanh", y, "output");                                                      // [1, 1, T * hop]
        g.output("output", ElementType.FLOAT, 1L, 1L, "samples");
        return new OnnxModel(g).opset(17);
    }

    // ---------------------------------------------------------------- VOICE.onnx.json

    static ObjectNode config(Config c) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.putObject("audio").put("sample_rate", SAMPLE_RATE).put("quality", "x_low");
        o.putObject("espeak").put("voice", ESPEAK_VOICE);
        o.putObject("language").put("code", "en_US");
        o.putObject("inference").put("noise_scale", NOISE_SCALE).put("length_scale", LENGTH_SCALE).put("noise_w", NOISE_W);
        o.put("phoneme_type", "espeak");
        ObjectNode map = o.putObject("phoneme_id_map");
        phonemeIdMap().forEach((symbol, ids) -> ids.forEach(map.putArray(symbol)::add));
        o.put("num_symbols", SYMBOLS.size());
        o.put("num_speakers", c.speakers());
        ObjectNode speakers = o.putObject("speaker_id_map");
        List<String> names = speakerNames(c);
        for (int i = 0; i < names.size(); i++) {
            speakers.put(names.get(i), i);
        }
        o.put("piper_version", "1.0.0");
        o.put("dataset", "genloom-test-kit");
        return o;
    }
}
