package dev.genloom.plugins.ocr;

import dev.genloom.plugins.ocr.image.LineImage;

import java.util.ArrayList;
import java.util.List;

/**
 * The 0/180 degree classifier. PaddleOCR's {@code TextClassifier} squeezes a whole line into the
 * classifier's 48 x 192 input, where a long line's letters are squashed past recognition and the
 * classifier answers at random (a line turned round scored 0.0 for 180 degrees in the tests). Here
 * the line is cut, unsqueezed, into windows of the classifier's width (the last one padded, as
 * PaddleOCR pads), each normalised to [-1, 1]; the line's probability of 180 degrees is the mean
 * of its windows', and the line is turned round where that is over the threshold.
 */
final class DirectionClassifier {
    /** A last window narrower than this share of the classifier's width is left out (where there are others). */
    private static final double LEAST_WINDOW = 0.5;

    private final OcrGraph graph;
    private final double threshold;
    private final int batch;

    DirectionClassifier(OcrGraph graph, double threshold, int batch) {
        this.graph = graph;
        this.threshold = threshold;
        this.batch = batch;
    }

    /** The classifier's threshold: a line is turned where its probability of 180 degrees is over it. */
    double threshold() {
        return threshold;
    }

    /** The probability of 180 degrees of each line. */
    float[] upsideDown(List<LineImage> lines) {
        int w = graph.classifierWidth;
        List<LineImage> windows = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LineImage line = lines.get(i);
            for (int x = 0; x < line.width(); x += w) {
                int width = Math.min(w, line.width() - x);
                if (x > 0 && width < LEAST_WINDOW * w) {
                    break;
                }
                windows.add(width == line.width() ? line : line.window(x, width));
                owner.add(i);
            }
        }
        float[] p = probabilities(windows);
        double[] sum = new double[lines.size()];
        int[] count = new int[lines.size()];
        for (int k = 0; k < p.length; k++) {
            sum[owner.get(k)] += p[k];
            count[owner.get(k)]++;
        }
        float[] out = new float[lines.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = count[i] == 0 ? 0 : (float) (sum[i] / count[i]);
        }
        return out;
    }

    /** The classifier's probability of 180 degrees for each window, in batches. */
    private float[] probabilities(List<LineImage> windows) {
        int h = graph.lineHeight;
        int w = graph.classifierWidth;
        float[] out = new float[windows.size()];
        for (int from = 0; from < windows.size(); from += batch) {
            int n = Math.min(batch, windows.size() - from);
            float[] x = new float[n * 3 * h * w];
            for (int i = 0; i < n; i++) {
                windows.get(from + i).writeNormalised(x, i * 3 * h * w, w);
            }
            OcrGraph.Result r = graph.run(graph.classifier, x, new long[] {n, 3, h, w});
            int classes = (int) r.shape()[1];
            for (int i = 0; i < n; i++) {
                out[from + i] = r.values()[i * classes + 1];
            }
        }
        return out;
    }
}
