package dev.genloom.plugins.whisper;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    /** What the family is called in the messages that refuse a file. */
    private static final String FAMILY = "the whisper family";
    /** The layer in the cache names' patterns of a {@link Signature}. */
    private static final String LAYER = "%d";

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

        TensorSpec floats = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);
        Signature enc = Signature.of(encoder, encoderFile).describedAs(FAMILY)
                .hint("an encoder takes input_features [batch, mel_bins, frames] and gives last_hidden_state")
                .requireInput(INPUT_FEATURES, floats.shape("batch", "mel_bins", "frames"))
                .requireOutput(LAST_HIDDEN_STATE, floats.shape("batch", "positions", "d_model"))
                .check();
        TensorInfo features = enc.input(INPUT_FEATURES);
        featureType = features.type;
        long[] fs = features.getShape();
        melBins = fs[1] > 0 ? (int) fs[1] : config.path("num_mel_bins").asInt(80);
        int sourcePositions = config.path("max_source_positions").asInt(1500);
        frames = fs[2] > 0 ? (int) fs[2] : 2 * sourcePositions;

        boolean merged = decoderWithPast == null;
        TensorSpec ids = TensorSpec.of(OnnxJavaType.INT64, OnnxJavaType.INT32).shape("batch", "sequence");
        TensorSpec hidden = floats.shape("batch", "positions", "d_model");
        TensorSpec cache = floats.shape("batch", "heads", "sequence", "head_dim");
        Signature dec = Signature.of(decoder, decoderFile).describedAs(FAMILY)
                .hint("a Whisper decoder takes input_ids, encoder_hidden_states"
                        + (merged ? ", past_key_values.{i}.decoder|encoder.key|value, use_cache_branch" : "")
                        + " and gives logits and present.{i}.decoder|encoder.key|value "
                        + "(optimum-cli export onnx --task automatic-speech-recognition-with-past)")
                .requireInput(INPUT_IDS, ids)
                .requireInput(ENCODER_HIDDEN_STATES, hidden);
        if (merged) {
            dec.requireInput(USE_CACHE_BRANCH, TensorSpec.of(OnnxJavaType.BOOL));
            for (String part : List.of("decoder", "encoder")) {
                for (String kv : List.of("key", "value")) {
                    dec.requireInputsMatching(past(LAYER, part, kv), cache);
                }
            }
        }
        dec.requireOutput(LOGITS, floats.shape("batch", "sequence", "vocab"));
        for (String part : List.of("decoder", "encoder")) {
            for (String kv : List.of("key", "value")) {
                dec.requireOutputsMatching(present(LAYER, part, kv), cache);
            }
        }
        int configLayers = config.path("decoder_layers").asInt(0);
        int found = dec.foundIndexed();
        if (found == 0 && configLayers > 0) {
            dec.expectIndexed(configLayers);
        }
        if (configLayers > 0 && found > 0 && configLayers != found) {
            dec.problem("config.json says " + configLayers + " decoder layers, the graph has " + found);
        }
        dec.check();
        layers = dec.indexedCount();
        if (!merged) {
            Signature withPast = Signature.of(decoderWithPast, decoderWithPastFile).describedAs(FAMILY)
                    .hint("a decoder with past takes input_ids and past_key_values.{i}.decoder|encoder.key|value "
                            + "and gives logits and present.{i}.decoder.key|value")
                    .expectIndexed(layers)
                    .requireInput(INPUT_IDS, ids)
                    .optionalInput(ENCODER_HIDDEN_STATES, hidden);
            for (String part : List.of("decoder", "encoder")) {
                for (String kv : List.of("key", "value")) {
                    withPast.requireInputsMatching(past(LAYER, part, kv), cache);
                }
            }
            withPast.requireOutput(LOGITS, floats.shape("batch", "sequence", "vocab"));
            for (String kv : List.of("key", "value")) {
                withPast.requireOutputsMatching(present(LAYER, "decoder", kv), cache);
            }
            withPast.check();
        }
        idType = dec.input(INPUT_IDS).type;
        TensorInfo presentKey = dec.output(present(0, "decoder", "key"));
        pastType = presentKey.type;
        TensorInfo logits = dec.output(LOGITS);
        logitsType = logits.type;
        long[] ps = presentKey.getShape();
        int configHeads = config.path("decoder_attention_heads").asInt(0);
        int dModel = config.path("d_model").asInt(0);
        heads = ps[1] > 0 ? (int) ps[1] : configHeads;
        headDim = ps[3] > 0 ? (int) ps[3] : (heads > 0 && dModel > 0 ? dModel / heads : 0);
        if (heads <= 0 || headDim <= 0) {
            throw dec.incompatible("the cache outputs do not declare heads and head size, and config.json "
                    + "has no decoder_attention_heads and d_model");
        }
        long[] ls = logits.getShape();
        vocab = ls[2] > 0 ? (int) ls[2] : config.path("vocab_size").asInt(0);
        if (vocab <= 0) {
            throw dec.incompatible("logits do not declare the vocabulary size and config.json has no vocab_size");
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
        DecoderChoice choice = ctx.option("decoder", DecoderChoice.class, DecoderChoice.AUTO);
        Optional<Path> merged = ctx.sessions().variant(onnx, "decoder_model_merged");
        Optional<Path> plain = ctx.sessions().variant(onnx, "decoder_model");
        Optional<Path> withPast = ctx.sessions().variant(onnx, "decoder_with_past_model");
        boolean useMerged = switch (choice) {
            case MERGED -> true;
            case SPLIT -> false;
            case AUTO -> plain.isEmpty() || withPast.isEmpty();
        };
        List<String> onnxFiles = ctx.folder().files().stream().filter(f -> f.endsWith(".onnx")).toList();
        Path decoderFile;
        Path withPastFile = null;
        if (useMerged) {
            decoderFile = merged.orElseThrow(() -> new GenloomException(ErrorKind.MODEL_INCOMPATIBLE,
                    "no onnx/decoder_model_merged*.onnx" + (choice == DecoderChoice.MERGED ? "" : " nor the pair "
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

    /** The load option {@code decoder}: which decoder graph to run. */
    enum DecoderChoice {
        /** The split pair where both files are present, else the merged decoder. */
        AUTO,
        /** The merged decoder ({@code decoder_model_merged*}). */
        MERGED,
        /** The plain decoder and the decoder with past. */
        SPLIT
    }

    boolean merged() {
        return decoderWithPast == null;
    }

    static String past(int layer, String part, String kv) {
        return past(Integer.toString(layer), part, kv);
    }

    static String present(int layer, String part, String kv) {
        return present(Integer.toString(layer), part, kv);
    }

    private static String past(String layer, String part, String kv) {
        return "past_key_values." + layer + "." + part + "." + kv;
    }

    private static String present(String layer, String part, String kv) {
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
}
