package dev.genloom.plugins.embeddings;

import ai.onnxruntime.OrtSession;
import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.TextEmbedder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;
import dev.genloom.spi.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A sentence-transformers encoder: texts to token ids ({@link TextTokens}), batches of up to
 * {@code batch_size} texts padded to the longest through the session ({@link EncoderGraph}), then
 * pooling ({@link PoolingConfig}) and L2 normalisation. A text's vector does not depend on the
 * texts it is batched with: padding is masked and pooled over the unpadded tokens only. Safe for
 * concurrent calls.
 */
final class SentenceEncoder implements TextEmbedder {
    static final int DEFAULT_BATCH = 32;

    private final ModelInfo info;
    private final EncoderGraph graph;
    private final Tokenizer tokenizer;
    private final TextTokens tokens;
    private final PoolingConfig pooling;
    private final boolean normalize;
    private final int batchSize;
    private final long padId;

    private SentenceEncoder(ModelInfo info, EncoderGraph graph, Tokenizer tokenizer, TextTokens tokens,
                            PoolingConfig pooling, boolean normalize, int batchSize, long padId) {
        this.info = info;
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.tokens = tokens;
        this.pooling = pooling;
        this.normalize = normalize;
        this.batchSize = batchSize;
        this.padId = padId;
    }

    static SentenceEncoder open(ModelContext ctx) {
        Path file = chooseFile(ctx);
        if (!ctx.folder().has("tokenizer.json")) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no tokenizer.json in " + ctx.folder().path(),
                    "a sentence-transformers folder holds the tokenizer.json its encoder was trained with");
        }
        PoolingConfig pooling = PoolingConfig.read(ctx);
        boolean normalize = ctx.option("normalize", Boolean.class, true);
        // a graph that quantizes activations per batch gives each text the same vector only alone
        int batchSize = ctx.option("batch_size", Integer.class,
                DynamicQuantization.in(file) ? 1 : DEFAULT_BATCH);
        if (batchSize < 1) {
            throw GenloomException.invalidInput("load option batch_size must be at least 1, got " + batchSize);
        }
        long padId = ctx.folder().config().path("pad_token_id").asLong(0);
        OrtSession session = ctx.sessions().open(file);
        Tokenizer tokenizer = null;
        try {
            EncoderGraph graph = EncoderGraph.read(ctx.sessions().environment(), session, file,
                    ctx.option("output", String.class));
            tokenizer = ctx.tokenizers().load(ctx.folder().resolve("tokenizer.json"));
            TextTokens tokens = TextTokens.read(ctx, tokenizer);
            return new SentenceEncoder(ctx.info(), graph, tokenizer, tokens, pooling, normalize, batchSize, padId);
        } catch (RuntimeException e) {
            throw Release.after(e, tokenizer, session);
        }
    }

    /** The file the {@code file} option names, else {@code onnx/model*} in the host's dtype preference. */
    static Path chooseFile(ModelContext ctx) {
        Path onnx = ctx.folder().resolve("onnx");
        Optional<String> option = ctx.option("file", String.class);
        List<String> files = ctx.folder().files().stream().filter(f -> f.endsWith(".onnx")).toList();
        if (option.isPresent()) {
            String name = option.get().trim();
            Optional<Path> found;
            if (name.endsWith(".onnx")) {
                Path p = ctx.folder().resolve(name);
                found = Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
            } else {
                found = ctx.sessions().variant(onnx, name);
            }
            return found.orElseThrow(() -> new GenloomException(ErrorKind.INVALID_INPUT, "load option file '" + name
                    + "' names no ONNX file in " + ctx.folder().path(), "give a stem in onnx/ (model, model_quantized) "
                    + "or a path ending in .onnx; the folder has " + files));
        }
        return ctx.sessions().variant(onnx, "model")
                .orElseThrow(() -> new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no onnx/model*.onnx in "
                        + ctx.folder().path() + " (it has " + files + ")", EncoderGraph.HINT));
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** The most tokens a text is embedded with; longer texts are truncated, and their embedding says so. */
    int maxLength() {
        return tokens.maxLength();
    }

    /** The most texts per session call. */
    int batchSize() {
        return batchSize;
    }

    /** The pooling, as its modes are named ({@code mean}, {@code cls+mean}). */
    String pooling() {
        return graph.pooledOutput() ? "in the graph (" + graph.output() + ")" : pooling.toString();
    }

    @Override
    public Embedding embedText(String text, EmbeddingOptions options) {
        TextTokens.check(text, OptionalInt.empty());
        return embed(List.of(text), options).get(0);
    }

    /** Embeds the texts in batches of at most {@code batch_size}, texts of similar length together. */
    @Override
    public List<Embedding> embedTexts(List<String> texts, EmbeddingOptions options) {
        if (texts == null) {
            throw GenloomException.invalidInput("no texts to embed");
        }
        for (int i = 0; i < texts.size(); i++) {
            TextTokens.check(texts.get(i), OptionalInt.of(i));
        }
        return embed(texts, options);
    }

    private List<Embedding> embed(List<String> texts, EmbeddingOptions options) {
        EmbeddingOptions o = options == null ? EmbeddingOptions.defaults() : options;
        int n = texts.size();
        TextTokens.Encoded[] encoded = new TextTokens.Encoded[n];
        for (int i = 0; i < n; i++) {
            encoded[i] = tokens.encode(texts.get(i), o);
        }
        // longest first, so that each batch pads little
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> encoded[i].ids().length).reversed());
        Embedding[] out = new Embedding[n];
        for (int start = 0; start < n; start += batchSize) {
            int size = Math.min(batchSize, n - start);
            long[][] rows = new long[size][];
            for (int r = 0; r < size; r++) {
                rows[r] = encoded[order[start + r]].ids();
            }
            EncoderGraph.Output result = graph.run(rows, padId);
            for (int r = 0; r < size; r++) {
                int i = order[start + r];
                float[] v = vector(result, r, rows[r].length);
                Embedding e = new Embedding(v, encoded[i].truncated());
                out[i] = normalize && o.normalize() ? e.normalized() : e;
            }
        }
        return new ArrayList<>(Arrays.asList(out));
    }

    private float[] vector(EncoderGraph.Output result, int row, int length) {
        long[] shape = result.shape();
        if (graph.pooledOutput()) {
            int width = (int) shape[1];
            return Arrays.copyOfRange(result.values(), row * width, (row + 1) * width);
        }
        return pooling.pool(result.values(), row, (int) shape[1], (int) shape[2], length);
    }

    @Override
    public void close() {
        try {
            graph.close();
        } finally {
            tokenizer.close();
        }
    }
}
