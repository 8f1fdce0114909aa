package dev.genloom.plugins.diffusion.codec;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.onnx.Tensor;

import java.nio.file.Path;
import java.util.List;

/**
 * A tiny autoencoder written with the test kit's graph writer whose round trip the test can
 * compute: the encoder averages each 8 x 8 block ({@code AveragePool}), the decoder repeats each
 * latent over its block (nearest {@code Resize} x8). Three latent channels, spatial sizes dynamic
 * (so the factor is found by the probe), names as TAESD's: {@code image} ↔ {@code latent}.
 */
final class TinyGraphs {
    private TinyGraphs() {
    }

    static Path encoder(Path file) {
        Graph g = new Graph("block_mean_encoder");
        g.input("image", ElementType.FLOAT, "batch", 3L, "height", "width");
        g.node("AveragePool", List.of("image"), List.of("latent"), Attribute.ints("kernel_shape", 8, 8),
                Attribute.ints("strides", 8, 8));
        g.output("latent", ElementType.FLOAT, "batch", 3L, "latent_height", "latent_width");
        return new OnnxModel(g).opset(13).write(file);
    }

    static Path decoder(Path file) {
        Graph g = new Graph("block_repeat_decoder");
        g.input("latent", ElementType.FLOAT, "batch", 3L, "latent_height", "latent_width");
        g.initializer("scales", Tensor.floats(new float[] {1f, 1f, 8f, 8f}, 4));
        g.node("Resize", List.of("latent", "", "scales"), List.of("image"),
                Attribute.of("mode", "nearest"),
                Attribute.of("nearest_mode", "floor"),
                Attribute.of("coordinate_transformation_mode", "asymmetric"));
        g.output("image", ElementType.FLOAT, "batch", 3L, "height", "width");
        return new OnnxModel(g).opset(13).write(file);
    }

    /** A graph with two inputs: no encoder. */
    static Path twoInputs(Path file) {
        Graph g = new Graph("two_inputs");
        g.input("image", ElementType.FLOAT, 1L, 3L, "height", "width");
        g.input("noise", ElementType.FLOAT, 1L, 3L, "height", "width");
        g.node("Add", List.of("image", "noise"), List.of("latent"));
        g.output("latent", ElementType.FLOAT, 1L, 3L, "height", "width");
        return new OnnxModel(g).opset(13).write(file);
    }
}
