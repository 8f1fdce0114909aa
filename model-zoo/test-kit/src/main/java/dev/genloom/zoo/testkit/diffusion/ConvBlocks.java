package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.util.List;
import java.util.Objects;
import java.util.Arrays;

/**
 * Convolutional building blocks of the diffusers UNet and VAE, written as plain ONNX operators
 * (opset 17) on top of {@link Blocks}: convolutions, GroupNorm as PyTorch exports it before
 * opset 18, SiLU, nearest 2x upsampling, ResNet blocks (optionally conditioned on a time
 * embedding), and cross-attention from image tokens to text tokens.
 *
 * <p>Feature maps are {@code [batch, channels, height, width]}. Parameters follow diffusers'
 * names: {@code <name>.weight [out, in, k, k]} and {@code <name>.bias [out]} for convolutions,
 * {@code norm1/conv1/time_emb_proj/norm2/conv2/conv_shortcut} inside a ResNet block,
 * {@code to_q/to_k/to_v/to_out.0} inside an attention.
 */
public final class ConvBlocks {

    private final Blocks b;
    private final Weights w;

    public ConvBlocks(Blocks blocks) {
        this.b = Objects.requireNonNull(blocks, "blocks");
        this.w = blocks.weights();
    }

    public Blocks blocks() {
        return b;
    }

    /**
     * {@code Conv} with kernel {@code k}, stride {@code stride} and symmetric padding {@code pad};
     * weights uniform with variance {@code 1 / (in k k)}.
     */
    public String conv(String x, String name, long in, long out, int k, int stride, int pad) {
        return conv(x, name, in, out, k, stride, new long[] {pad, pad, pad, pad});
    }

    /** {@code Conv} with explicit ONNX {@code pads} ({@code [top, left, bottom, right]}). */
    public String conv(String x, String name, long in, long out, int k, int stride, long[] pads) {
        String weight = w.param(name + ".weight", Weights.Init.UNIFORM, Math.sqrt(3.0 / (in * k * k)), out, in, k, k);
        String bias = w.param(name + ".bias", Weights.Init.UNIFORM, 0.05, out);
        return b.op("Conv", List.of(x, weight, bias),
                Attribute.ints("kernel_shape", k, k),
                Attribute.ints("strides", stride, stride),
                Attribute.ints("pads", pads));
    }

    /**
     * GroupNorm over {@code groups} groups of {@code channels}, as {@code torch.onnx} writes it
     * below opset 18: reshape to {@code [batch, groups, -1]}, {@code InstanceNormalization} with
     * unit scale, reshape back, then the per-channel gain {@code <name>.weight} and bias
     * {@code <name>.bias}.
     */
    public String groupNorm(String x, String name, long channels, long groups, double eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(name + ": " + channels + " channels do not split into " + groups + " groups");
        }
        String grouped = b.reshape(x, 0, groups, -1);
        float[] ones = new float[(int) groups];
        Arrays.fill(ones, 1f);
        String unitScale = w.fixedParam("const_ones_" + groups, ones, groups);
        String zeroBias = w.fixedParam("const_zeros_" + groups, new float[(int) groups], groups);
        String normed = b.op("InstanceNormalization", List.of(grouped, unitScale, zeroBias), Attribute.of("epsilon", eps));
        String back = b.op("Reshape", List.of(normed, b.op("Shape", x)));
        String gain = w.param(name + ".weight", Weights.Init.ONE_PLUS_UNIFORM, 0.1, channels, 1, 1);
        String bias = w.param(name + ".bias", Weights.Init.UNIFORM, 0.1, channels, 1, 1);
        return b.add(b.mul(back, gain), bias);
    }

    /** GroupNorm then SiLU. */
    public String groupNormSilu(String x, String name, long channels, long groups, double eps) {
        return b.silu(groupNorm(x, name, channels, groups, eps));
    }

    /** Nearest-neighbour 2x upsampling ({@code Resize}, as {@code F.interpolate(scale_factor=2)} exports). */
    public String upsample2x(String x) {
        String scales = w.fixedParam("const_scales_1_1_2_2", new float[] {1f, 1f, 2f, 2f}, 4);
        return b.op("Resize", List.of(x, "", scales),
                Attribute.of("mode", "nearest"),
                Attribute.of("nearest_mode", "floor"),
                Attribute.of("coordinate_transformation_mode", "asymmetric"));
    }

    /**
     * diffusers' {@code ResnetBlock2D}: {@code norm1, SiLU, conv1}, plus {@code time_emb_proj(SiLU(temb))}
     * per channel when {@code temb} is given ({@code [T, tembDim]}, T = 1 or batch), {@code norm2,
     * SiLU, conv2}, and the input (through a 1x1 {@code conv_shortcut} when the width changes).
     */
    public String resnet(String x, String name, long in, long out, String temb, long tembDim, long groups, double eps) {
        String h = conv(groupNormSilu(x, name + ".norm1", in, groups, eps), name + ".conv1", in, out, 3, 1, 1);
        if (temb != null) {
            String t = b.linear(b.silu(temb), name + ".time_emb_proj", tembDim, out, true);   // [T, out]
            h = b.add(h, b.unsqueeze(t, 2, 3));                                                  // [T, out, 1, 1]
        }
        h = conv(groupNormSilu(h, name + ".norm2", out, groups, eps), name + ".conv2", out, out, 3, 1, 1);
        String skip = in == out ? x : conv(x, name + ".conv_shortcut", in, out, 1, 1, 0);
        return b.add(skip, h);
    }

    /** {@code [batch, channels, height, width] -> [batch, height*width, channels]}. */
    public String toTokens(String x) {
        return b.transpose(b.reshape(x, 0, 0, -1), 0, 2, 1);
    }

    /** {@code [batch, height*width, channels]} back to the shape of {@code like}. */
    public String fromTokens(String tokens, String like) {
        return b.op("Reshape", List.of(b.transpose(tokens, 0, 2, 1), b.op("Shape", like)));
    }

    /**
     * Multi-head attention of {@code x [batch, n, dim]} over {@code context [batch, m, contextDim]}
     * (self-attention when {@code context} is {@code null}): {@code to_q, to_k, to_v} without bias,
     * {@code to_out.0} with bias, as diffusers' {@code Attention} in the UNet.
     */
    public String attention(String x, String context, String name, int dim, int contextDim, int heads) {
        return attention(x, context, name, dim, contextDim, heads, false);
    }

    /** {@link #attention}, with biases on {@code to_q, to_k, to_v} when {@code qkvBias} (the VAE's attention). */
    public String attention(String x, String context, String name, int dim, int contextDim, int heads, boolean qkvBias) {
        int headDim = dim / heads;
        String kv = context == null ? x : context;
        long kvDim = context == null ? dim : contextDim;
        String q = b.splitHeads(b.linear(x, name + ".to_q", dim, dim, qkvBias), heads, headDim);
        String k = b.splitHeads(b.linear(kv, name + ".to_k", kvDim, dim, qkvBias), heads, headDim);
        String v = b.splitHeads(b.linear(kv, name + ".to_v", kvDim, dim, qkvBias), heads, headDim);
        String ctx = b.mergeHeads(b.scaledDotProduct(q, k, v, null, headDim), heads, headDim);
        return b.linear(ctx, name + ".to_out.0", dim, dim, true);
    }

    /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))} (opset 17 has no {@code Gelu}). */
    public String gelu(String x) {
        String erf = b.op("Erf", b.mul(x, w.floatScalar((float) (1.0 / Math.sqrt(2.0)))));
        return b.mul(b.mul(x, w.floatScalar(0.5f)), b.add(erf, w.floatScalar(1f)));
    }

    /**
     * diffusers' {@code FeedForward} with {@code GEGLU}: {@code ff.net.0.proj} to {@code 2 * 4 dim},
     * split into value and gate, {@code value * gelu(gate)}, then {@code ff.net.2} back to {@code dim}.
     */
    public String gegluFeedForward(String x, String name, int dim) {
        long inner = 4L * dim;
        String proj = b.linear(x, name + ".net.0.proj", dim, 2 * inner, true);
        String value = b.slice(proj, -1, 0, inner);
        String gate = b.slice(proj, -1, inner, 2 * inner);
        return b.linear(b.mul(value, gelu(gate)), name + ".net.2", inner, dim, true);
    }

    /**
     * The VAE's single-head self-attention over the feature map ({@code mid_block.attentions.0}):
     * GroupNorm (eps 1e-6), {@code to_q, to_k, to_v, to_out.0} with biases, residual.
     */
    public String spatialSelfAttention(String x, String name, int channels, long groups) {
        String h = groupNorm(x, name + ".group_norm", channels, groups, 1e-6);
        String t = attention(toTokens(h), null, name, channels, channels, 1, true);
        return b.add(x, fromTokens(t, x));
    }

    /**
     * diffusers' {@code Transformer2DModel} with one {@code BasicTransformerBlock}: GroupNorm
     * (eps 1e-6) and a 1x1 {@code proj_in}, then on the image tokens self-attention, cross-attention
     * to {@code context} ({@code encoder_hidden_states}) and a GEGLU feed-forward, each pre-LayerNorm
     * with a residual, a 1x1 {@code proj_out}, and the whole block residual.
     */
    public String transformer(String x, String context, String name, int channels, int contextDim, int heads,
                              long groups) {
        String h = groupNorm(x, name + ".norm", channels, groups, 1e-6);
        h = conv(h, name + ".proj_in", channels, channels, 1, 1, 0);
        String t = toTokens(h);
        String blk = name + ".transformer_blocks.0";
        t = b.add(t, attention(b.layerNorm(t, blk + ".norm1", channels, 1e-5), null, blk + ".attn1", channels, channels, heads));
        t = b.add(t, attention(b.layerNorm(t, blk + ".norm2", channels, 1e-5), context, blk + ".attn2", channels, contextDim, heads));
        t = b.add(t, gegluFeedForward(b.layerNorm(t, blk + ".norm3", channels, 1e-5), blk + ".ff", channels));
        h = conv(fromTokens(t, h), name + ".proj_out", channels, channels, 1, 1, 0);
        return b.add(x, h);
    }
}
