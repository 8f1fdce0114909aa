package dev.genloom.plugins.ocr;

import dev.genloom.plugins.ocr.image.LineImage;
import dev.genloom.plugins.ocr.recognize.CtcDecoder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads lines as PaddleOCR's {@code TextRecognizer} does: the lines in order of aspect ratio, in
 * batches; each batch as wide as its widest line at the height of 48 (and at least 320 pixels),
 * shorter lines padded; the class probabilities decoded greedily (CTC).
 */
final class Recognizer {
    /** The least width of a batch (PaddleOCR's {@code rec_image_shape} 3, 48, 320). */
    static final int MIN_WIDTH = 320;

    private final OcrGraph graph;
    private final CtcDecoder decoder;
    private final int batch;

    Recognizer(OcrGraph graph, CtcDecoder decoder, int batch) {
        this.graph = graph;
        this.decoder = decoder;
        this.batch = batch;
    }

    /** The text and confidence of each line, in the order given. */
    List<CtcDecoder.Decoded> read(List<LineImage> lines) {
        int h = graph.lineHeight;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> (double) lines.get(i).width() / lines.get(i).height()));
        CtcDecoder.Decoded[] out = new CtcDecoder.Decoded[lines.size()];
        int minWidth = Math.max(MIN_WIDTH * h / 48, 1);
        for (int from = 0; from < order.size(); from += batch) {
            int n = Math.min(batch, order.size() - from);
            int w = minWidth;
            for (int i = 0; i < n; i++) {
                w = Math.max(w, lines.get(order.get(from + i)).width());
            }
            float[] x = new float[n * 3 * h * w];
            for (int i = 0; i < n; i++) {
                lines.get(order.get(from + i)).writeNormalised(x, i * 3 * h * w, w);
            }
            OcrGraph.Result r = graph.run(graph.recognizer, x, new long[] {n, 3, h, w});
            int steps = (int) r.shape()[1];
            int classes = (int) r.shape()[2];
            for (int i = 0; i < n; i++) {
                out[order.get(from + i)] = decoder.decode(r.values(), i * steps * classes, steps);
            }
        }
        return List.of(out);
    }
}
