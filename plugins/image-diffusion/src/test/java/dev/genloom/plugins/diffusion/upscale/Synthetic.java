package dev.genloom.plugins.diffusion.upscale;

import dev.genloom.api.media.Image;
import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.onnx.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Upscalers written with the test kit's graph writer whose exact output the test can compute: a
 * nearest-neighbour x2 {@code Resize} followed by a per-channel offset (so that the pixel range and
 * the channel order show in the output).
 */
final class Synthetic {
    /** The offsets of red, green and blue, in the unit range: +51, 0, -51 levels. */
    static final float[] OFFSETS = {0.2f, 0f, -0.2f};

    private Synthetic() {
    }

    /**
     * Writes the nearest-x2-plus-offset upscaler to {@code file}.
     *
     * @param side     the fixed input side, or 0 for dynamic height and width
     * @param range    the top of the pixel range the graph is made for (1 or 255): offsets are scaled by it
     * @param metadata the {@code input_range} metadata to write, or null
     */
    static Path nearestX2(Path file, int side, float range, String metadata) {
        Graph g = new Graph("nearest_x2");
        Object h = side > 0 ? (Object) (long) side : "height";
        Object w = side > 0 ? (Object) (long) side : "width";
        Object oh = side > 0 ? (Object) (long) (2 * side) : "out_height";
        Object ow = side > 0 ? (Object) (long) (2 * side) : "out_width";
        g.input("LR", ElementType.FLOAT, 1L, 3L, h, w);
        g.initializer("scales", Tensor.floats(new float[] {1f, 1f, 2f, 2f}, 4));
        g.initializer("offsets", Tensor.floats(new float[] {OFFSETS[0] * range, OFFSETS[1] * range,
                OFFSETS[2] * range}, 1, 3, 1, 1));
        g.node("Resize", List.of("LR", "", "scales"), List.of("up"),
                Attribute.of("mode", "nearest"),
                Attribute.of("nearest_mode", "floor"),
                Attribute.of("coordinate_transformation_mode", "asymmetric"));
        g.node("Add", List.of("up", "offsets"), List.of("SR"));
        g.output("SR", ElementType.FLOAT, 1L, 3L, oh, ow);
        OnnxModel m = new OnnxModel(g).opset(13);
        if (metadata != null) {
            m.metadata(UpscalerGraph.RANGE_KEY, metadata);
        }
        return m.write(file);
    }

    /** A graph of two picture inputs ({@code image}, {@code mask}) and one output: not an upscaler. */
    static Path twoInputs(Path file) {
        Graph g = new Graph("two_inputs");
        g.input("image", ElementType.FLOAT, 1L, 3L, "height", "width");
        g.input("mask", ElementType.FLOAT, 1L, 3L, "height", "width");
        g.node("Add", List.of("image", "mask"), List.of("out"));
        g.output("out", ElementType.FLOAT, 1L, 3L, "height", "width");
        return new OnnxModel(g).opset(13).write(file);
    }

    /** What the nearest-x2-plus-offset graph gives for a picture: exact, computed here. */
    static Image expected(Image in, boolean bgr) {
        int w = in.width();
        int h = in.height();
        byte[] src = in.rgb();
        byte[] out = new byte[4 * w * h * 3];
        for (int y = 0; y < 2 * h; y++) {
            for (int x = 0; x < 2 * w; x++) {
                for (int c = 0; c < 3; c++) {
                    int level = src[((y / 2) * w + x / 2) * 3 + c] & 0xff;
                    int offset = Math.round(OFFSETS[bgr ? 2 - c : c] * 255);
                    out[(y * 2 * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, level + offset));
                }
            }
        }
        return new Image(2 * w, 2 * h, out);
    }

    /** A picture of seeded random pixels. */
    static Image noise(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new Image(w, h, rgb);
    }
}
