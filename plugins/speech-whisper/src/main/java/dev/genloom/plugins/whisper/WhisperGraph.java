package dev.genloom.plugins.whisper;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The ONNX sessions of one Whisper export and what their signatures say: the encoder, and either
 * the merged decoder (one graph with an {@code If} on {@code use_cache_branch}) or the plain decoder
 * with the decoder-with-past. Every name, dtype and size is read from the session metadata (then
 * {@code config.json}); a graph that does not fit is refused naming what is missing or unexpected.
 */
final class WhisperGraph implements AutoCloseable {

    static final String INPUT_FEATURES = "input_features";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    static final String INPUT_IDS = "input_ids";
    static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
    static final String USE_CACHE_BRANCH = "use_cache_branch";
    static final String LOGITS = "logits";

    final OrtSession encoder;
    /** The merged decoder, or the plain decoder (first step) of a split export. */
    final OrtSession decoder;
    /** The decoder with past of a split export; null for a merged one. */
    final OrtSession decoderWithPast;
    final Path encoderFile;
    final Path decoderFile;
    final Path decoderWithPastFile;
    final int melBins;
    final int frames;
    final int layers;
    final int heads;
    final int headDim;
    final int vocab;
    final OnnxJavaType featureType;
    final OnnxJavaType pastType;
    final OnnxJavaType logitsType;
    final OnnxJavaType idType;

    private WhisperGraph(OrtSession encoder, OrtSession decoder, OrtSession decoderWithPast, Path encoderFile,
                         Path decoderFile, Path decoderWithPastFile, JsonNode config) throws OrtException {
        this.encoder = encoder;
        this.decoder = decoder;
        this.decoderWithPast = decoderWithPast;
        this.encoderFile = encoderFile;
        this.decoderFile = decoderFile;
        this.decoderWithPastFile = decoderWithPastFile;

        Map<String, NodeInfo> encIn = encoder.getInputInfo();
        Map<String, NodeInfo> encOut = encoder.getOutputInfo();
        List<String> missing = new ArrayList<>();
        if (!encIn.containsKey(INPUT_FEATURES)) {
            missing.add("input " + INPUT_FEATURES);
        }
        if (!encOut.containsKey(LAST_HIDDEN_STATE)) {
            missing.add("output " + LAST_HIDDEN_STATE);
        }
        refuse(encoderFile, missing, unexpected(encIn, List.of(INPUT_FEATURES), 0), encIn, encOut,
                "an encoder takes input_features [batch, mel_bins, frames] and gives last_hidden_state");
        TensorInfo features = tensor(encIn, INPUT_FEATURES, encoderFile);
        featureType = requireType(features, INPUT_FEATURES, encoderFile, OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);
        long[] fs = features.getShape();
        if (fs.length != 3) {
            throw incompatible(encoderFile, "input " + INPUT_FEATURES + " has rank " + fs.length
                    + ", expected 3 [batch, mel_bins, frames]");
        }
        melBins = fs[1] > 0 ? (int) fs[1] : config.path("num_mel_bins").asInt(80);
        int sourcePositions = config.path("max_source_positions").asInt(1500);
        frames = fs[2] > 0 ? (int) fs[2] : 2 * sourcePositions;

        int configLayers = config.path("decoder_layers").asInt(0);
        Map<String, NodeInfo> decIn = decoder.getInputInfo();
        Map<String, NodeInfo> decOut = decoder.getOutputInfo();
        int found = 0;
        while (decOut.containsKey(present(found, "decoder", "key"))) {
            found++;
        }
        layers = found > 0 ? found : Math.max(configLayers, 1);
        boolean merged = decoderWithPast == null;
        missing = new ArrayList<>();
        List<String> expectedIn = new ArrayList<>(List.of(INPUT_IDS, ENCODER_HIDDEN_STATES));
        if (merged) {
            expectedIn.add(USE_CACHE_BRANCH);
        }
        for (String name : expectedIn) {
            if (!decIn.containsKey(name)) {
                missing.add("input " + name);
            }
        }
        for (int i = 0; i < layers; i++) {
            for (String part : List.of("decoder", "encoder")) {
                for (String kv : List.of("key", "value")) {
                    if (merged && !decIn.containsKey(past(i, part, kv))) {
                        missing.add("input " + past(i, part, kv));
                    }
                    if (!decOut.containsKey(present(i, part, kv))) {
                        missing.add("output " + present(i, part, kv));
                    }
                }
            }
        }
        if (!decOut.containsKey(LOGITS)) {
            missing.add("output " + LOGITS);
        }
        if (configLayers > 0 && found > 0 && configLayers != found) {
            missing.add("(config.json says " + configLayers + " decoder layers, the graph has " + found + ")");
        }
        refuse(decoderFile, missing, unexpected(decIn, expectedIn, merged ? layers : 0), decIn, decOut,
                "a Whisper decoder takes input_ids, encoder_hidden_states"
                        + (merged ? ", past_key_values.{i}.decoder|encoder.key|value, use_cache_branch" : "")
                        + " and gives logits and present.{i}.decoder|encoder.key|value "
                        + "(optimum-cli export onnx --task automatic-speech-recognition-with-past)");
        if (!merged) {
            Map<String, NodeInfo> pIn = decoderWithPast.getInputInfo();
            Map<String, NodeInfo> pOut = decoderWithPast.getOutputInfo();
            missing = new ArrayList<>();
            if (!pIn.containsKey(INPUT_IDS)) {
                missing.add("input " + INPUT_IDS);
            }
            for (int i = 0; i < layers; i++) {
                for (String part : List.of("decoder", "encoder")) {
                    for (String kv : List.of("key", "value")) {
                        if (!pIn.containsKey(past(i, part, kv))) {
                            missing.add("input " + past(i, part, kv));
                        }
                    }
                }
                for (String kv : List.of("key", "value")) {
                    if (!pOut.containsKey(present(i, "decoder", kv))) {
                        missing.add("output " + present(i, "decoder", kv));
                    }
                }
            }
            if (!pOut.containsKey(LOGITS)) {
                missing.add("output " + LOGITS);
            }
            refuse(decoderWithPastFile, missing, unexpected(pIn, List.of(INPUT_IDS, ENCODER_HIDDEN_STATES), layers),
                    pIn, pOut, "a decoder with past takes input_ids and past_key_values.{i}.decoder|encoder.key|value "
                            + "and gives logits and present.{i}.decoder.key|value");
        }
        TensorInfo ids = tensor(decIn, INPUT_IDS, decoderFile);
        idType = requireType(ids, INPUT_IDS, decoderFile, OnnxJavaType.INT64, OnnxJavaType.INT32);
        TensorInfo presentKey = tensor(decOut, present(0, "decoder", "key"), decoderFile);
        pastType = requireType(presentKey, present(0, "decoder", "key"), decoderFile, OnnxJavaType.FLOAT,
                OnnxJavaType.FLOAT16);
        TensorInfo logits = tensor(decOut, LOGITS, decoderFile);
        logitsType = requireType(logits, LOGITS, decoderFile, OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);
        long[] ps = presentKey.getShape();
        int configHeads = config.path("decoder_attention_heads").asInt(0);
        int dModel = config.path("d_model").asInt(0);
        heads = ps.length == 4 && ps[1] > 0 ? (int) ps[1] : configHeads;
        headDim = ps.length == 4 && ps[3] > 0 ? (int) ps[3] : (heads > 0 && dModel > 0 ? dModel / heads : 0);
        if (heads <= 0 || headDim <= 0) {
            throw incompatible(decoderFile, "the cache outputs do not declare heads and head size, and config.json "
                    + "has no decoder_attention_heads and d_model");
        }
        long[] ls = logits.getShape();
        vocab = ls.length == 3 && ls[2] > 0 ? (int) ls[2] : config.path("vocab_size").asInt(0);
        if (vocab <= 0) {
            throw incompatible(decoderFile, "logits do not declare the vocabulary size and config.json has no vocab_size");
        }
    }

    /**
     * Opens the export's sessions: {@code onnx/encoder_model*}, then the split pair or the merged
     * decoder (load option {@code decoder}: {@code merged} or {@code split}; default: the split pair
     * where both files are present, since the merged graph's {@code If} hands the whole
     * cross-attention cache back as an output at every step, else merged).
     * Each stem takes the dtype variant the host prefers.
     */
    static WhisperGraph open(ModelContext ctx) {
        Path onnx = ctx.folder().resolve("onnx");
        Path encoderFile = ctx.sessions().variant(onnx, "encoder_model").orElseThrow(() -> new GenloomException(
                ErrorKind.MODEL_INCOMPATIBLE, "no onnx/encoder_model*.onnx in " + ctx.folder().path(),
                "export with optimum-cli export onnx --task automatic-speech-recognition-with-past"));
        Object option = ctx.options().get("decoder");
        String choice = option == null ? "auto" : option.toString().trim().toLowerCase();
        if (!List.of("auto", "merged", "split").contains(choice)) {
            throw GenloomException.invalidInput("load option decoder must be merged or split, got '" + option + "'");
        }
        Optional<Path> merged = ctx.sessions().variant(onnx, "decoder_model_merged");
        Optional<Path> plain = ctx.sessions().variant(onnx, "decoder_model");
        Optional<Path> withPast = ctx.sessions().variant(onnx, "decoder_with_past_model");
        boolean useMerged = switch (choice) {
            case "merged" -> true;
            case "split" -> false;
            default -> plain.isEmpty() || withPast.isEmpty();
        };
        List<String> onnxFiles = ctx.folder().files().stream().filter(f -> f.endsWith(".onnx")).toList();
        Path decoderFile;
        Path withPastFile = null;
        if (useMerged) {
            decoderFile = merged.orElseThrow(() -> new GenloomException(ErrorKind.MODEL_INCOMPATIBLE,
                    "no onnx/decoder_model_merged*.onnx" + (choice.equals("merged") ? "" : " nor the pair "
                            + "onnx/decoder_model*.onnx + onnx/decoder_with_past_model*.onnx") + " in "
                            + ctx.folder().path() + "; it has " + onnxFiles,
                    "export with optimum-cli export onnx --task automatic-speech-recognition-with-past"));
        } else {
            if (plain.isEmpty() || withPast.isEmpty()) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "decoder: split needs "
                        + "onnx/decoder_model*.onnx and onnx/decoder_with_past_model*.onnx in " + ctx.folder().path()
                        + "; it has " + onnxFiles, "or use decoder: merged");
            }
            decoderFile = plain.get();
            withPastFile = withPast.get();
        }
        List<OrtSession> opened = new ArrayList<>();
        try {
            OrtSession enc = ctx.sessions().open(encoderFile);
            opened.add(enc);
            OrtSession dec = ctx.sessions().open(decoderFile);
            opened.add(dec);
            OrtSession past = null;
            if (withPastFile != null) {
                past = ctx.sessions().open(withPastFile);
                opened.add(past);
            }
            return new WhisperGraph(enc, dec, past, encoderFile, decoderFile, withPastFile, ctx.folder().config());
        } catch (OrtException | RuntimeException e) {
            for (OrtSession s : opened) {
                try {
                    s.close();
                } catch (OrtException closing) {
                    e.addSuppressed(closing);
                }
            }
            if (e instanceof GenloomException g) {
                throw g;
            }
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot read the Whisper export in "
                    + ctx.folder().path() + ": " + e.getMessage(), null, e);
        }
    }

    boolean merged() {
        return decoderWithPast == null;
    }

    static String past(int layer, String part, String kv) {
        return "past_key_values." + layer + "." + part + "." + kv;
    }

    static String present(int layer, String part, String kv) {
        return "present." + layer + "." + part + "." + kv;
    }

    @Override
    public void close() {
        for (OrtSession s : new OrtSession[] {encoder, decoder, decoderWithPast}) {
            if (s != null) {
                try {
                    s.close();
                } catch (OrtException ignored) {
                    // closing is best effort; the session is gone either way
                }
            }
        }
    }

    private static List<String> unexpected(Map<String, NodeInfo> inputs, List<String> known, int pastLayers) {
        List<String> out = new ArrayList<>();
        for (String name : new TreeSet<>(inputs.keySet())) {
            boolean ok = known.contains(name);
            for (int i = 0; i < pastLayers && !ok; i++) {
                for (String part : List.of("decoder", "encoder")) {
                    ok |= name.equals(past(i, part, "key")) || name.equals(past(i, part, "value"));
                }
            }
            if (!ok) {
                out.add("input " + name);
            }
        }
        return out;
    }

    private static void refuse(Path file, List<String> missing, List<String> unexpected, Map<String, NodeInfo> in,
                               Map<String, NodeInfo> out, String hint) {
        if (missing.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder(file + " does not fit the whisper family:");
        if (!missing.isEmpty()) {
            m.append(" missing ").append(String.join(", ", missing)).append(';');
        }
        if (!unexpected.isEmpty()) {
            m.append(" unexpected ").append(String.join(", ", unexpected)).append(';');
        }
        m.append(" it has inputs ").append(new TreeSet<>(in.keySet())).append(" and outputs ")
                .append(new TreeSet<>(out.keySet()));
        throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, m.toString(), hint, null);
    }

    private static TensorInfo tensor(Map<String, NodeInfo> nodes, String name, Path file) {
        if (nodes.get(name).getInfo() instanceof TensorInfo t) {
            return t;
        }
        throw incompatible(file, name + " is not a tensor");
    }

    private static OnnxJavaType requireType(TensorInfo t, String name, Path file, OnnxJavaType... allowed) {
        for (OnnxJavaType a : allowed) {
            if (t.type == a) {
                return a;
            }
        }
        throw incompatible(file, name + " is " + t.type + ", expected one of " + List.of(allowed));
    }

    private static GenloomException incompatible(Path file, String what) {
        return new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, file + " does not fit the whisper family: " + what,
                null, null);
    }
}
