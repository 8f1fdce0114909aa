package dev.genloom.plugins.ocr;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.onnx.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tiny stand-ins for the PP-OCR files with their signatures (written by the test kit's ONNX
 * writer): the detector answers the sigmoid of the mean over channels, the recogniser the mean of
 * each column repeated over its classes, the classifier the mean of the picture for both classes.
 */
final class FakeOcr {
    private FakeOcr() {
    }

    static Path detector(Path file, String input) {
        Graph g = new Graph("fake-det");
        g.input(input, ElementType.FLOAT, "batch", 3, "height", "width");
        g.output("sigmoid_0.tmp_0", ElementType.FLOAT, "batch", 1, "height", "width");
        g.node("ReduceMean", List.of(input), List.of("m"), Attribute.ints("axes", 1), Attribute.of("keepdims", 1));
        g.node("Sigmoid", List.of("m"), List.of("sigmoid_0.tmp_0"));
        return new OnnxModel(g).write(file);
    }

    static Path recognizer(Path file, int classes) {
        Graph g = new Graph("fake-rec");
        g.input("x", ElementType.FLOAT, "batch", 3, 48, "width");
        g.output("softmax_11.tmp_0", ElementType.FLOAT, "batch", "width", classes);
        g.initializer("axis2", Tensor.int64s(new long[] {2}, 1));
        g.initializer("repeats", Tensor.int64s(new long[] {1, 1, classes}, 3));
        g.node("ReduceMean", List.of("x"), List.of("m"), Attribute.ints("axes", 1, 2), Attribute.of("keepdims", 0));
        g.node("Unsqueeze", List.of("m", "axis2"), List.of("u"));
        g.node("Tile", List.of("u", "repeats"), List.of("softmax_11.tmp_0"));
        return new OnnxModel(g).write(file);
    }

    static Path classifier(Path file) {
        Graph g = new Graph("fake-cls");
        g.input("x", ElementType.FLOAT, "batch", 3, 48, 192);
        g.output("softmax_0.tmp_0", ElementType.FLOAT, "batch", 2);
        g.initializer("axis1", Tensor.int64s(new long[] {1}, 1));
        g.initializer("repeats", Tensor.int64s(new long[] {1, 2}, 2));
        g.node("ReduceMean", List.of("x"), List.of("m"), Attribute.ints("axes", 1, 2, 3), Attribute.of("keepdims", 0));
        g.node("Unsqueeze", List.of("m", "axis1"), List.of("u"));
        g.node("Tile", List.of("u", "repeats"), List.of("softmax_0.tmp_0"));
        return new OnnxModel(g).write(file);
    }

    /** A folder with all four files: keys a, b, c and a recogniser of 5 classes (blank, keys, space). */
    static Path folder(Path dir) throws IOException {
        Files.createDirectories(dir);
        detector(dir.resolve("ch_PP-OCRv4_det_infer.onnx"), "x");
        recognizer(dir.resolve("ch_PP-OCRv4_rec_infer.onnx"), 5);
        classifier(dir.resolve("ch_ppocr_mobile_v2.0_cls_infer.onnx"));
        Files.writeString(dir.resolve("ppocr_keys_v1.txt"), "a\nb\nc\n");
        return dir;
    }
}
