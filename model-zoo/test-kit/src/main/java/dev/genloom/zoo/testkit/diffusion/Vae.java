package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.ExternalData;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.util.Arrays;

/**
 * The block configuration of diffusers' {@code AutoencoderKL} and its two exported halves.
 *
 * <p>Decoder: {@code post_quant_conv}, {@code decoder.conv_in}, the mid block (ResNet, single-head
 * attention when {@code midAttention}, ResNet), up blocks over the reversed {@code blockOutChannels}
 * with {@code layersPerBlock + 1} ResNets and a nearest-2x upsampler + conv except the last, GroupNorm
 * + SiLU, {@code conv_out} to RGB, and with {@code tanhOut} a {@code Tanh} (the real decoder is
 * unbounded; the kit's tiny one keeps its images in [-1, 1]).
 * Encoder: {@code conv_in}, down blocks of {@code layersPerBlock} ResNets and a stride-2 conv padded
 * right and bottom (as {@code Downsample2D}) except the last, the mid block, GroupNorm + SiLU,
 * {@code conv_out} to mean and log-variance, {@code quant_conv}; Optimum returns both
 * ({@code latent_parameters}), the script and older Optimum the mean ({@code latent_sample}; the real
 * export samples, the kit stays deterministic).
 */
public record Vae(int[] blockOutChannels, int layersPerBlock, int groups, boolean midAttention, boolean tanhOut,
                  int sampleSize, double scalingFactor) {

    /** Stable Diffusion's VAE ({@code block_out_channels 128/256/512/512}, 2 layers per block, GroupNorm 32). */
    public static final Vae SD = new Vae(new int[] {128, 256, 512, 512}, 2, 32, true, false, 512,
            StableDiffusionModel.VAE_SCALING_FACTOR);

    public Vae {
        if (blockOutChannels.length == 0) {
            throw new IllegalArgumentException("a VAE needs blocks");
        }
        for (int c : blockOutChannels) {
            if (c % groups != 0) {
                throw new IllegalArgumentException("VAE channels " + c + " must split into " + groups + " groups");
            }
        }
        blockOutChannels = blockOutChannels.clone();
    }

    @Override
    public int[] blockOutChannels() {
        return blockOutChannels.clone();
    }

    /** Image side / latent side. */
    public int factor() {
        return 1 << (blockOutChannels.length - 1);
    }

    public Vae withScalingFactor(double factor) {
        return new Vae(blockOutChannels, layersPerBlock, groups, midAttention, tanhOut, sampleSize, factor);
    }

    private static final double EPS = 1e-6;

    /** The decoder: {@code latent_sample [batch, 4, h, w] -> sample [batch, 3, factor h, factor w]}. */
    public OnnxModel decoder(ExportForm form, long seed, ExternalData external) {
        Exporter ex = form.exporter();
        Graph g = new Graph("vae_decoder");
        Weights w = form.weights(g, seed, external);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);
        int latent = StableDiffusionModel.LATENT_CHANNELS;
        String[] in = ex.decoderLatentAxes();
        String x = form.floatInput(g, b, "latent_sample", form.batch(), ex.channels(latent), in[0], in[1]);
        int n = blockOutChannels.length;
        int cur = blockOutChannels[n - 1];
        String h = cb.conv(x, "post_quant_conv", latent, latent, 1, 1, 0);
        h = cb.conv(h, "decoder.conv_in", latent, cur, 3, 1, 1);
        h = mid(cb, h, "decoder.mid_block", cur);
        for (int k = 0; k < n; k++) {
            int out = blockOutChannels[n - 1 - k];
            for (int j = 0; j <= layersPerBlock; j++) {
                h = cb.resnet(h, "decoder.up_blocks." + k + ".resnets." + j, cur, out, null, 0, groups, EPS);
                cur = out;
            }
            if (k < n - 1) {
                h = cb.conv(cb.upsample2x(h), "decoder.up_blocks." + k + ".upsamplers.0.conv", cur, cur, 3, 1, 1);
            }
        }
        h = cb.groupNormSilu(h, "decoder.conv_norm_out", cur, groups, EPS);
        h = cb.conv(h, "decoder.conv_out", cur, 3, 3, 1, 1);
        if (tanhOut) {
            h = b.op("Tanh", h);
        }
        String[] outAxes = ex.decoderImageAxes(factor());
        form.floatOutput(g, b, h, "sample", form.batch(), 3L, outAxes[0], outAxes[1]);
        return new OnnxModel(g).opset(17).docString("genloom test kit: VAE decoder " + Arrays.toString(blockOutChannels)
                + " (seeded random weights)");
    }

    /** The encoder: {@code sample [batch, 3, H, W] -> latent_sample [batch, 4, H/f, W/f]} or {@code latent_parameters [batch, 8, ...]}. */
    public OnnxModel encoder(ExportForm form, long seed, ExternalData external) {
        Exporter ex = form.exporter();
        Graph g = new Graph("vae_encoder");
        Weights w = form.weights(g, seed, external);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);
        int latent = StableDiffusionModel.LATENT_CHANNELS;
        String[] in = ex.encoderImageAxes();
        String x = form.floatInput(g, b, "sample", form.batch(), ex.channels(3), in[0], in[1]);
        int n = blockOutChannels.length;
        int cur = blockOutChannels[0];
        String h = cb.conv(x, "encoder.conv_in", 3, cur, 3, 1, 1);
        for (int i = 0; i < n; i++) {
            int out = blockOutChannels[i];
            for (int j = 0; j < layersPerBlock; j++) {
                h = cb.resnet(h, "encoder.down_blocks." + i + ".resnets." + j, cur, out, null, 0, groups, EPS);
                cur = out;
            }
            if (i < n - 1) {
                h = cb.conv(h, "encoder.down_blocks." + i + ".downsamplers.0.conv", cur, cur, 3, 2, new long[] {0, 0, 1, 1});
            }
        }
        h = mid(cb, h, "encoder.mid_block", cur);
        h = cb.groupNormSilu(h, "encoder.conv_norm_out", cur, groups, EPS);
        h = cb.conv(h, "encoder.conv_out", cur, 2L * latent, 3, 1, 1);
        h = cb.conv(h, "quant_conv", 2L * latent, 2L * latent, 1, 1, 0);
        String[] outAxes = ex.encoderLatentAxes(factor());
        String name = ex.encoderOutput();
        boolean parameters = name.equals("latent_parameters");
        String value = parameters ? h : b.slice(h, 1, 0, latent);
        form.floatOutput(g, b, value, name, form.batch(), (long) (parameters ? 2 * latent : latent), outAxes[0], outAxes[1]);
        return new OnnxModel(g).opset(17).docString("genloom test kit: VAE encoder " + Arrays.toString(blockOutChannels)
                + " (seeded random weights)");
    }

    private String mid(ConvBlocks cb, String h, String name, int ch) {
        h = cb.resnet(h, name + ".resnets.0", ch, ch, null, 0, groups, EPS);
        if (midAttention) {
            h = cb.spatialSelfAttention(h, name + ".attentions.0", ch, groups);
        }
        return cb.resnet(h, name + ".resnets.1", ch, ch, null, 0, groups, EPS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vae v && Arrays.equals(blockOutChannels, v.blockOutChannels) && layersPerBlock == v.layersPerBlock
                && groups == v.groups && midAttention == v.midAttention && tanhOut == v.tanhOut && sampleSize == v.sampleSize
                && scalingFactor == v.scalingFactor;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blockOutChannels) * 31 + layersPerBlock;
    }

    @Override
    public String toString() {
        return "Vae[" + Arrays.toString(blockOutChannels) + ", layers " + layersPerBlock + ", groups " + groups + "]";
    }
}
