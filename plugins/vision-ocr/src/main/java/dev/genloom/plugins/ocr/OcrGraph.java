package dev.genloom.plugins.ocr;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX sessions of a PP-OCR export and what their signatures say: the detector
 * ({@code x} [N, 3, H, W] to a probability map [N, 1, H, W]), the recogniser ({@code x}
 * [N, 3, 48, W] to class probabilities [N, T, classes]) and, where there is one, the direction
 * classifier ({@code x} [N, 3, 48, 192] to [N, 2]). Each file is checked when it is opened; one
 * that does not fit is refused naming what is wrong.
 */
final class OcrGraph implements AutoCloseable {
    static final String INPUT = "x";
    private static final String HINT = "use PaddleOCR's PP-OCR models converted with paddle2onnx (for example "
            + "ch_PP-OCRv4_det_infer.onnx, ch_PP-OCRv4_rec_infer.onnx, ch_ppocr_mobile_v2.0_cls_infer.onnx)";
    private static final TensorSpec IMAGES = TensorSpec.of(OnnxJavaType.FLOAT).shape("batch", "channels", "height",
            "width");

    /** One session and the name of the output it is run for. */
    record Part(OrtSession session, Path file, String output, long[] inputShape, long[] outputShape) {
    }

    private final OrtEnvironment environment;
    final Part detector;
    final Part recognizer;
    /** The direction classifier, or null. */
    final Part classifier;
    /** The recogniser's input height (48). */
    final int lineHeight;
    /** The classifier's input width (192), or 0. */
    final int classifierWidth;
    /** How many classes the recogniser has. */
    final int classes;

    private OcrGraph(OrtEnvironment environment, Part detector, Part recognizer, Part classifier) {
        this.environment = environment;
        this.detector = detector;
        this.recognizer = recognizer;
        this.classifier = classifier;
        long h = recognizer.inputShape[2];
        this.lineHeight = h > 0 ? (int) h : 48;
        this.classifierWidth = classifier == null ? 0 : classifier.inputShape[3] > 0 ? (int) classifier.inputShape[3]
                : 192;
        long c = recognizer.outputShape[2];
        if (c <= 1) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, recognizer.file
                    + " does not say how many classes it has (its output is " + Arrays.toString(
                    recognizer.outputShape) + ")", HINT);
        }
        this.classes = (int) c;
    }

    /**
     * Opens and checks the files; everything opened is closed again on a failure.
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} naming a file that does not fit
     */
    static OcrGraph open(SessionFactory sessions, OcrFiles files, boolean withClassifier) {
        List<OrtSession> opened = new ArrayList<>();
        try {
            Part det = part(sessions, opened, files.detection(), "the PP-OCR text detector", 4, -1, -1);
            Part rec = part(sessions, opened, files.recognition(), "the PP-OCR text recogniser", 3, 48, -1);
            Part cls = withClassifier && files.classifier() != null
                    ? part(sessions, opened, files.classifier(), "the PP-OCR direction classifier", 2, 48, 192) : null;
            if (cls != null && cls.outputShape[1] > 0 && cls.outputShape[1] != 2) {
                throw Signature.of(cls.session, cls.file).describedAs("the PP-OCR direction classifier")
                        .hint(HINT).incompatible("it answers " + cls.outputShape[1] + " classes, not 2 (0 and 180 degrees)");
            }
            return new OcrGraph(sessions.environment(), det, rec, cls);
        } catch (RuntimeException e) {
            for (OrtSession s : opened) {
                try {
                    s.close();
                } catch (OrtException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /**
     * Opens one file and checks it: one float input {@code x} of rank 4 (of height {@code height}
     * and width {@code width} where these are not -1 and the file fixes them), and a float first
     * output of rank {@code outputRank}.
     */
    private static Part part(SessionFactory sessions, List<OrtSession> opened, Path file, String what, int outputRank,
                             int height, int width) {
        OrtSession session = sessions.open(file);
        opened.add(session);
        Signature s = Signature.of(session, file).describedAs(what).hint(HINT).requireInput(INPUT, IMAGES);
        Map<String, NodeInfo> outputs = s.outputs();
        String output = outputs.keySet().stream().findFirst().orElse(null);
        if (output == null) {
            s.problem("it has no output");
        } else {
            s.requireOutput(output, TensorSpec.of(OnnxJavaType.FLOAT).rank(outputRank));
        }
        s.check();
        long[] in = s.input(INPUT).getShape();
        if ((height > 0 && in[2] > 0 && in[2] != height) || (width > 0 && in[3] > 0 && in[3] != width)) {
            throw s.incompatible("input x is " + in[2] + " x " + in[3] + " pixels, expected " + height + " x "
                    + (width > 0 ? width : "any width"));
        }
        if (in[1] > 0 && in[1] != 3) {
            throw s.incompatible("input x has " + in[1] + " channels, expected 3");
        }
        return new Part(session, file, output, in, s.output(output).getShape());
    }

    /** A float tensor's values and shape. */
    record Result(float[] values, long[] shape) {
    }

    /** Runs one part on a batch tensor of this shape. */
    Result run(Part part, float[] input, long[] shape) {
        try (OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
             OrtSession.Result result = part.session.run(Map.of(INPUT, x), Set.of(part.output))) {
            OnnxValue value = result.get(0);
            OnnxTensor tensor = (OnnxTensor) value;
            long[] outShape = ((TensorInfo) tensor.getInfo()).getShape();
            FloatBuffer buffer = tensor.getFloatBuffer();
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return new Result(out, outShape);
        } catch (OrtException e) {
            throw GenloomException.runFailed("running " + part.file + " on an input of shape "
                    + Arrays.toString(shape) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        List<Part> parts = new ArrayList<>(List.of(detector, recognizer));
        if (classifier != null) {
            parts.add(classifier);
        }
        GenloomException failure = null;
        for (Part p : parts) {
            try {
                p.session.close();
            } catch (OrtException e) {
                if (failure == null) {
                    failure = GenloomException.runFailed("closing the session of " + p.file + " failed: " + e, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
