package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.nio.file.Path;
import java.util.List;

/**
 * A TAESD-style tiny autoencoder ("Tiny AutoEncoder for Stable Diffusion"), the fast preview
 * decoder that shares Stable Diffusion's latent space, as two ONNX files in one folder:
 *
 * <pre>
 * taesd_encoder.onnx  sample float [batch, 3, height, width], RGB in [0, 1]
 *                     -> latent_sample float [batch, 4, height / 8, width / 8]
 * taesd_decoder.onnx  latent_sample float [batch, 4, latent_height, latent_width]
 *                     -> sample float [batch, 3, latent_height * 8, latent_width * 8], RGB in [0, 1]
 * </pre>
 *
 * The latents are the UNet's (already scaled: TAESD's {@code scaling_factor} is 1, so a pipeline
 * feeds its latents to the decoder without dividing by the VAE's 0.18215). The input and output
 * names are those of the diffusers VAE halves, which is what ONNX consumers of TAESD (Unpaint's
 * {@code taesd_decoder.onnx}) bind; madebyollin/taesd itself ships PyTorch weights only.
 *
 * <p>The network is TAESD's: encoder {@code conv(3, c)}, {@code Block}, then three times a bias-free
 * stride-2 conv and {@code blocks} Blocks, and {@code conv(c, 4)}; decoder {@code tanh(x / 3) * 3},
 * {@code conv(4, c)}, ReLU, then three times {@code blocks} Blocks, a nearest 2x upsampling and a
 * bias-free conv, a Block and {@code conv(c, 3)}. A Block is {@code conv, ReLU, conv, ReLU, conv} plus
 * the input (a 1x1 bias-free conv when widths differ), then ReLU. The kit's decoder ends in a sigmoid
 * to keep its images in [0, 1] (the real one is trained there and left unbounded).
 */
public record TinyAutoencoder(int channels, int blocks, long seed) {

    /** The kit's: 8 channels, one Block per level. */
    public static final TinyAutoencoder TINY = new TinyAutoencoder(8, 1, 4242);
    /** TAESD's own sizes: 64 channels, three Blocks per level. */
    public static final TinyAutoencoder TAESD = new TinyAutoencoder(64, 3, 4242);

    public static final String ENCODER_FILE = "taesd_encoder.onnx";
    public static final String DECODER_FILE = "taesd_decoder.onnx";

    /** Writes both files into {@code folder} and returns it. */
    public static Path write(Path folder, TinyAutoencoder t) {
        t.encoder().write(folder.resolve(ENCODER_FILE));
        t.decoder().write(folder.resolve(DECODER_FILE));
        return folder;
    }

    /** The encoder: image in [0, 1] to latents 1/8 as large. */
    public OnnxModel encoder() {
        Graph g = new Graph("taesd_encoder");
        g.input("sample", ElementType.FLOAT, "batch", 3L, "height", "width");
        Weights w = new Weights(g, seed, ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);
        String h = cb.conv("sample", "encoder.layers.0", 3, channels, 3, 1, 1);
        h = block(b, cb, h, "encoder.layers.1");
        int layer = 2;
        for (int level = 0; level < 3; level++) {
            h = convNoBias(b, w, h, "encoder.layers." + layer++, channels, channels, 2);
            for (int i = 0; i < blocks; i++) {
                h = block(b, cb, h, "encoder.layers." + layer++);
            }
        }
        h = cb.conv(h, "encoder.layers." + layer, channels, StableDiffusionModel.LATENT_CHANNELS, 3, 1, 1);
        b.opInto("Identity", h, "latent_sample");
        g.output("latent_sample", ElementType.FLOAT, "batch", (long) StableDiffusionModel.LATENT_CHANNELS, "height / 8", "width / 8");
        return new OnnxModel(g).opset(17).docString("genloom test kit: TAESD-style encoder (seeded random weights)");
    }

    /** The decoder: latents to an image 8x as large, in [0, 1]. */
    public OnnxModel decoder() {
        Graph g = new Graph("taesd_decoder");
        g.input("latent_sample", ElementType.FLOAT, "batch", (long) StableDiffusionModel.LATENT_CHANNELS, "latent_height", "latent_width");
        Weights w = new Weights(g, seed + 1, ElementType.FLOAT);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);
        String h = b.mul(b.op("Tanh", b.mul("latent_sample", w.floatScalar(1f / 3f))), w.floatScalar(3f));  // Clamp
        h = relu(b, cb.conv(h, "decoder.layers.1", StableDiffusionModel.LATENT_CHANNELS, channels, 3, 1, 1));
        int layer = 3;
        for (int level = 0; level < 3; level++) {
            for (int i = 0; i < blocks; i++) {
                h = block(b, cb, h, "decoder.layers." + layer++);
            }
            h = cb.upsample2x(h);
            layer++;
            h = convNoBias(b, w, h, "decoder.layers." + layer++, channels, channels, 1);
        }
        h = block(b, cb, h, "decoder.layers." + layer++);
        h = cb.conv(h, "decoder.layers." + layer, channels, 3, 3, 1, 1);
        b.opInto("Sigmoid", h, "sample");
        g.output("sample", ElementType.FLOAT, "batch", 3L, "latent_height * 8", "latent_width * 8");
        return new OnnxModel(g).opset(17).docString("genloom test kit: TAESD-style decoder (seeded random weights)");
    }

    private String block(Blocks b, ConvBlocks cb, String x, String name) {
        String h = relu(b, cb.conv(x, name + ".conv.0", channels, channels, 3, 1, 1));
        h = relu(b, cb.conv(h, name + ".conv.2", channels, channels, 3, 1, 1));
        h = cb.conv(h, name + ".conv.4", channels, channels, 3, 1, 1);
        return relu(b, b.add(h, x));
    }

    private static String relu(Blocks b, String x) {
        return b.op("Relu", x);
    }

    private static String convNoBias(Blocks b, Weights w, String x, String name, int in, int out, int stride) {
        String weight = w.param(name + ".weight", Weights.Init.UNIFORM, Math.sqrt(3.0 / (in * 9.0)), out, in, 3, 3);
        return b.op("Conv", List.of(x, weight), Attribute.ints("kernel_shape", 3, 3),
                Attribute.ints("strides", stride, stride), Attribute.ints("pads", 1, 1, 1, 1));
    }
}
