package dev.genloom.plugins.ocr;

import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.Labels;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.TextRegion;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.ocr.detect.DbPostprocess;
import dev.genloom.plugins.ocr.detect.DetectedBox;
import dev.genloom.plugins.ocr.detect.DetectionInput;
import dev.genloom.plugins.ocr.detect.DetectionPreprocess;
import dev.genloom.plugins.ocr.geometry.Pt;
import dev.genloom.plugins.ocr.image.LineCropper;
import dev.genloom.plugins.ocr.image.LineImage;
import dev.genloom.plugins.ocr.image.Pixels;
import dev.genloom.plugins.ocr.recognize.CtcDecoder;
import dev.genloom.plugins.ocr.recognize.KeyList;
import dev.genloom.spi.ModelContext;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A PP-OCR model: detection (pre-processing, the DB detector, DB post-processing), a crop of each
 * box, the optional 0/180 classifier, recognition (CTC), and the regions in reading order. Safe for
 * concurrent calls: a call keeps its state to itself, and ONNX Runtime sessions run concurrently.
 */
final class OcrModel implements ImageToText {
    private final ModelInfo info;
    final OcrGraph graph;
    final OcrSettings settings;
    private final DetectionPreprocess preprocess;
    private final DbPostprocess postprocess;
    private final LineCropper cropper;
    private final DirectionClassifier classifier;
    private final Recognizer recognizer;
    private final ReadingOrder order;

    private OcrModel(ModelInfo info, OcrGraph graph, OcrSettings settings, CtcDecoder decoder) {
        this.info = info;
        this.graph = graph;
        this.settings = settings;
        this.preprocess = new DetectionPreprocess(settings.limitSide(), settings.limitType());
        this.postprocess = new DbPostprocess(settings.threshold(), settings.boxThreshold(), settings.unclipRatio(),
                settings.minSize(), settings.dilation());
        this.cropper = new LineCropper(graph.lineHeight);
        this.classifier = graph.classifier == null ? null
                : new DirectionClassifier(graph, settings.clsThreshold(), settings.batch());
        this.recognizer = new Recognizer(graph, decoder, settings.batch());
        this.order = new ReadingOrder(settings.lineTolerance());
    }

    static OcrModel open(ModelContext ctx) {
        OcrFiles files = OcrFiles.of(ctx);
        OcrSettings settings = OcrSettings.read(ctx, files.classifier() != null);
        if (settings.useClassifier() && files.classifier() == null) {
            throw GenloomException.invalidInput("load option use_angle_cls of model '" + ctx.info().name()
                    + "' asks for the direction classifier, but " + ctx.folder().path() + " has none (no *cls*.onnx)",
                    "add the classifier (ch_ppocr_mobile_v2.0_cls_infer.onnx) or set use_angle_cls: false");
        }
        KeyList keys = KeyList.read(files.keys());
        OcrGraph graph = OcrGraph.open(ctx.sessions(), files, settings.useClassifier());
        try {
            CtcDecoder decoder = new CtcDecoder(keys.forClasses(graph.classes, files.recognition()));
            return new OcrModel(ctx.info(), graph, settings, decoder);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public ImageText describe(Image image, ImageToTextOptions options) {
        Objects.requireNonNull(image, "image");
        if (options != null && !options.labels().isEmpty()) {
            throw GenloomException.unsupported("model '" + info.name() + "' reads the text in images (OCR); it "
                    + "cannot score candidate labels", "leave out the labels, or use a CLIP model to classify");
        }
        Read read = read(image);
        List<List<TextRegion>> lines = orderedLines(read, image);
        List<TextRegion> ordered = new ArrayList<>();
        lines.forEach(ordered::addAll);
        return new ImageText(ReadingOrder.text(lines), Labels.NONE, ordered);
    }

    /** The regions read, and how many of them were turned round to be read. */
    record Read(List<TextRegion> regions, int turned) {
    }

    /** The regions read, with their quadrilaterals as the text reads (upside-down lines turned). */
    Read read(Image image) {
        DetectionInput in = preprocess.apply(image);
        OcrGraph.Result map = graph.run(graph.detector, in.chw(), new long[] {1, 3, in.height(), in.width()});
        List<DetectedBox> boxes = postprocess.boxes(map.values(), in);
        if (boxes.isEmpty()) {
            return new Read(List.of(), 0);
        }
        Pixels pixels = new Pixels(image);
        List<LineImage> crops = new ArrayList<>(boxes.size());
        for (DetectedBox b : boxes) {
            crops.add(cropper.crop(pixels, b.quad()));
        }
        boolean[] turned = new boolean[crops.size()];
        if (classifier != null) {
            float[] p = classifier.upsideDown(crops);
            for (int i = 0; i < crops.size(); i++) {
                if (p[i] > classifier.threshold()) {
                    turned[i] = true;
                    crops.set(i, crops.get(i).rotated180());
                }
            }
        }
        List<CtcDecoder.Decoded> texts = recognizer.read(crops);
        List<TextRegion> out = new ArrayList<>();
        int turnedRound = 0;
        for (int i = 0; i < boxes.size(); i++) {
            CtcDecoder.Decoded d = texts.get(i);
            if (d.confidence() < settings.dropScore() || d.text().isBlank()) {
                continue;
            }
            List<Pt> q = LineCropper.asRead(boxes.get(i).quad());
            if (turned[i]) {
                q = List.of(q.get(2), q.get(3), q.get(0), q.get(1));
                turnedRound++;
            }
            List<TextRegion.Point> quad = q.stream().map(p -> new TextRegion.Point(p.x(), p.y())).toList();
            out.add(new TextRegion(quad, d.text().strip(), d.confidence()));
        }
        return new Read(out, turnedRound);
    }

    /**
     * The regions in lines in reading order. Where most regions were read upside down, the page is
     * taken to be upside down and ordered as it reads turned round.
     */
    private List<List<TextRegion>> orderedLines(Read read, Image image) {
        List<TextRegion> regions = read.regions();
        if (read.turned() * 2 <= regions.size()) {
            return order.lines(regions);
        }
        Map<TextRegion, TextRegion> original = new IdentityHashMap<>();
        List<TextRegion> turned = new ArrayList<>();
        for (TextRegion r : regions) {
            List<TextRegion.Point> q = r.quad().stream()
                    .map(p -> new TextRegion.Point(image.width() - p.x(), image.height() - p.y())).toList();
            TextRegion t = new TextRegion(q, r.text(), r.confidence());
            original.put(t, r);
            turned.add(t);
        }
        List<List<TextRegion>> out = new ArrayList<>();
        for (List<TextRegion> line : order.lines(turned)) {
            out.add(line.stream().map(original::get).toList());
        }
        return out;
    }

    @Override
    public void close() {
        graph.close();
    }
}
