package dev.genloom.plugins.clip;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.Labels;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.media.Image;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded CLIP export: pre-processing ({@link ImageProcessor}, {@link Prompts}), the sessions
 * ({@link ClipGraph}), and post-processing (unit embeddings, {@link ClipZeroShot}). Zero-shot image
 * classification, image and text embeddings in one space. Safe for concurrent calls.
 */
final class ClipModelImpl implements ImageToText, ImageEmbedder, TextEmbedder {
    private static final Logger LOG = LoggerFactory.getLogger(ClipModelImpl.class);
    /** The scale trained CLIP models reach (Transformers clamps {@code exp(logit_scale)} at 100). */
    static final double TRAINED_CLIP_SCALE = 100;

    private final ModelInfo info;
    final ClipGraph graph;
    private final Tokenizer tokenizer;
    final Prompts prompts;
    final ImageProcessor processor;
    final ClipZeroShot zeroShot;
    final int batchSize;
    /** Where the logit scale came from, for logs and tests. */
    final String scaleSource;

    private ClipModelImpl(ModelInfo info, ClipGraph graph, Tokenizer tokenizer, Prompts prompts,
                          ImageProcessor processor, double scale, String scaleSource, int batchSize, int cachedSets) {
        this.info = info;
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.prompts = prompts;
        this.processor = processor;
        this.zeroShot = new ClipZeroShot(scale, cachedSets);
        this.scaleSource = scaleSource;
        this.batchSize = batchSize;
    }

    static ClipModelImpl open(ModelContext ctx) {
        return open(ctx, true);
    }

    /**
     * Opens the export; without {@code readScale} the logit scale is not read off the combined
     * model (the load option, else 100: for embeddings alone, as the benchmark's baseline).
     */
    static ClipModelImpl open(ModelContext ctx, boolean readScale) {
        Path folder = ctx.folder().path();
        if (!ctx.folder().has("tokenizer.json")) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no tokenizer.json in " + folder,
                    "a CLIP export carries its tokenizer (tokenizer.json) beside config.json");
        }
        int batch = ctx.option("batch_size", Integer.class, 16);
        GenloomException.require(batch >= 1, "load option batch_size must be at least 1, got " + batch);
        int cached = ctx.option("label_cache", Integer.class, 32);
        GenloomException.require(cached >= 1, "load option label_cache must be at least 1, got " + cached);
        Optional<Double> scaleOption = ctx.option("logit_scale", Double.class);
        scaleOption.ifPresent(s -> GenloomException.require(s > 0,
                "load option logit_scale (the factor of the cosines, 100 for OpenAI CLIP) must be positive, got " + s));
        ImageProcessor processor = processor(ctx);
        ClipGraph graph = ClipGraph.open(ctx, ctx.option("layout", ClipGraph.Layout.class, ClipGraph.Layout.AUTO));
        Tokenizer tokenizer = null;
        try {
            if (graph.declaredHeight > 0 && graph.declaredHeight != processor.height()
                    || graph.declaredWidth > 0 && graph.declaredWidth != processor.width()) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, folder + ": preprocessor_config.json gives "
                        + processor.width() + "x" + processor.height() + " pictures, but " + graph.visionFile.getFileName()
                        + " takes " + graph.declaredWidth + "x" + graph.declaredHeight,
                        "keep the export's own preprocessor_config.json", null);
            }
            tokenizer = ctx.tokenizers().load(ctx.folder().resolve("tokenizer.json"));
            Prompts prompts = Prompts.of(ctx.folder(), tokenizer);
            double scale;
            String source;
            if (scaleOption.isPresent()) {
                scale = scaleOption.get();
                source = "load option logit_scale";
            } else {
                Optional<Double> measured = readScale ? measureScale(ctx, graph, processor, prompts) : Optional.empty();
                if (measured.isPresent()) {
                    scale = measured.get();
                    source = "logits_per_image of " + (graph.combined ? graph.textFile.getFileName() : "onnx/model.onnx");
                } else if (!readScale) {
                    scale = TRAINED_CLIP_SCALE;
                    source = "not read";
                } else {
                    scale = TRAINED_CLIP_SCALE;
                    source = "trained CLIP's 100 (no onnx/model*.onnx to read it from)";
                    LOG.warn("{}: no combined onnx/model*.onnx to read the logit scale from; label scores use {} x "
                            + "cosine (set load option logit_scale to change it)", folder, TRAINED_CLIP_SCALE);
                }
            }
            return new ClipModelImpl(ctx.info(), graph, tokenizer, prompts, processor, scale, source, batch, cached);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            graph.close();
            throw e;
        }
    }

    private static ImageProcessor processor(ModelContext ctx) {
        JsonNode pre = ctx.folder().json("preprocessor_config.json").orElseGet(() -> {
            int size = ctx.folder().config().path("vision_config").path("image_size").asInt(224);
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.putObject("size").put("shortest_edge", size);
            o.putObject("crop_size").put("height", size).put("width", size);
            return o;
        });
        return ImageProcessor.fromConfig(pre, ctx.folder().resolve("preprocessor_config.json").toString());
    }

    /**
     * The factor of the cosines in {@code logits_per_image}, read off the combined model: one
     * picture against a few prompts, least squares of logits over cosines. Empty where the folder
     * has no combined model.
     */
    private static Optional<Double> measureScale(ModelContext ctx, ClipGraph graph, ImageProcessor processor,
                                                 Prompts prompts) {
        Path file;
        OrtSession session;
        boolean own;
        if (graph.combined) {
            file = graph.textFile;
            session = graph.text;
            own = false;
        } else {
            Optional<Path> combined = ctx.sessions().variant(ctx.folder().resolve("onnx"), "model");
            if (combined.isEmpty()) {
                return Optional.empty();
            }
            file = combined.get();
            session = ctx.sessions().open(file);
            own = true;
        }
        try {
            int w = processor.width();
            int h = processor.height();
            byte[] rgb = new byte[w * h * 3];
            for (int i = 0; i < w * h; i++) {
                rgb[i * 3] = (byte) (i * 7);
                rgb[i * 3 + 1] = (byte) (i % w * 255 / w);
                rgb[i * 3 + 2] = (byte) (i / w * 255 / h);
            }
            float[] chw = processor.toTensor(new Image(w, h, rgb));
            Prompts.Batch b = prompts.encode(List.of("a photo of a cat", "a photo of a dog", "a diagram", "red", "a"));
            float[][] out = ClipGraph.logitsAndEmbeds(ctx.sessions().environment(), session, file, chw, h, w,
                    b.ids(), b.mask());
            float[] image = ClipZeroShot.unit(out[1]);
            double lc = 0;
            double cc = 0;
            for (int t = 0; t < b.ids().length; t++) {
                double c = ClipZeroShot.dot(ClipZeroShot.unit(out[2 + t]), image);
                lc += out[0][t] * c;
                cc += c * c;
            }
            if (cc < 1e-8 || !(lc / cc > 0)) {
                return Optional.empty();
            }
            return Optional.of(lc / cc);
        } finally {
            if (own) {
                try {
                    session.close();
                } catch (OrtException e) {
                    LOG.debug("closing {}", file, e);
                }
            }
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** Scores the options' labels against the image; the text is the best label. */
    @Override
    public ImageText describe(Image image, ImageToTextOptions options) {
        Objects.requireNonNull(image, "image");
        ImageToTextOptions o = options == null ? ImageToTextOptions.defaults() : options;
        List<String> texts = ClipZeroShot.prompts(o.labels(), o.labelTemplate());
        float[][] unitTexts = zeroShot.textEmbeddings(texts, this::unitTexts);
        float[] unitImage = unitImages(List.of(image)).get(0);
        Labels labels = zeroShot.score(o.labels().stream().map(String::strip).toList(), unitTexts, unitImage);
        return new ImageText(labels.best().orElseThrow().label(), labels);
    }

    @Override
    public Embedding embedImage(Image image, EmbeddingOptions options) {
        return embedImages(List.of(Objects.requireNonNull(image, "image")), options).get(0);
    }

    @Override
    public List<Embedding> embedImages(List<Image> images, EmbeddingOptions options) {
        EmbeddingOptions o = options == null ? EmbeddingOptions.defaults() : options;
        List<Embedding> out = new ArrayList<>(images.size());
        for (float[] v : o.normalize() ? unitImages(images) : rawImages(images)) {
            out.add(new Embedding(v));
        }
        return out;
    }

    @Override
    public Embedding embedText(String text, EmbeddingOptions options) {
        return embedTexts(List.of(Objects.requireNonNull(text, "text")), options).get(0);
    }

    @Override
    public List<Embedding> embedTexts(List<String> texts, EmbeddingOptions options) {
        EmbeddingOptions o = options == null ? EmbeddingOptions.defaults() : options;
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw GenloomException.invalidInput("text " + (i + 1) + " of " + texts.size() + " to embed is empty",
                        "give each text some words");
            }
        }
        List<Embedding> out = new ArrayList<>(texts.size());
        for (float[] v : o.normalize() ? unitTexts(texts) : rawTexts(texts)) {
            out.add(new Embedding(v));
        }
        return out;
    }

    private float[][] unitTexts(List<String> texts) {
        float[][] raw = rawTexts(texts);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = ClipZeroShot.unit(raw[i]);
        }
        return raw;
    }

    private List<float[]> unitImages(List<Image> images) {
        List<float[]> raw = rawImages(images);
        raw.replaceAll(ClipZeroShot::unit);
        return raw;
    }

    /** Text embeddings as the graph gives them, {@link #batchSize} texts a session call. */
    float[][] rawTexts(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + batchSize));
            Prompts.Batch b = prompts.encode(part);
            float[][] e = graph.embedTexts(b.ids(), b.mask(), processor.height(), processor.width());
            System.arraycopy(e, 0, out, from, e.length);
        }
        return out;
    }

    /** Image embeddings as the graph gives them, {@link #batchSize} images a session call. */
    List<float[]> rawImages(List<Image> images) {
        int w = processor.width();
        int h = processor.height();
        int size = 3 * w * h;
        long[] blank = prompts.tokens("");
        List<float[]> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += batchSize) {
            int n = Math.min(batchSize, images.size() - from);
            float[] chw = new float[n * size];
            for (int i = 0; i < n; i++) {
                processor.toTensor(Objects.requireNonNull(images.get(from + i), "image"), chw, i * size);
            }
            out.addAll(List.of(graph.embedImages(chw, n, h, w, blank)));
        }
        return out;
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
