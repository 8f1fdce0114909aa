package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.ExternalData;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Builds a {@code UNet2DConditionModel} of any {@link UNetSpec} as its ONNX export declares it:
 *
 * <pre>
 * sample                float [batch, in_channels, height, width]
 * timestep              int64 or float: [batch], [steps] or [] ({@link TimestepType})
 * encoder_hidden_states float [batch, sequence, cross_attention_dim]
 * timestep_cond         float [batch, time_cond_proj_dim]      (LCM, when timeCondDim > 0)
 * text_embeds           float [batch, projection_dim]          (SDXL, when projectionDim > 0)
 * time_ids              float [batch, 6]                       (SDXL)
 *   -> out_sample       float [batch, 4, height, width]
 * </pre>
 *
 * Axis names and static dims follow the {@link ExportForm}. The network: sinusoidal time
 * projection (flip_sin_to_cos, shift 0) of the first block's width, plus {@code cond_proj} of
 * {@code timestep_cond} (LCM), through {@code time_embedding.linear_1/2}; SDXL's
 * {@code add_time_proj} of each time id concatenated with {@code text_embeds} through
 * {@code add_embedding.linear_1/2}, added to it; {@code conv_in}, the blocks of the spec,
 * {@code conv_norm_out} + SiLU and {@code conv_out}. Parameter names are diffusers'.
 */
public final class UNet {

    private UNet() {
    }

    /** The model, with weights inline ({@code external == null}) or in {@code external}. */
    public static OnnxModel build(UNetSpec s, ExportForm form, TimestepType timestep, long seed, ExternalData external) {
        Exporter ex = form.exporter();
        Object batch = form.batch();
        Graph g = new Graph("unet");
        Weights w = form.weights(g, seed, external);
        Blocks b = new Blocks(g, w, "");
        ConvBlocks cb = new ConvBlocks(b);

        String sample = form.floatInput(g, b, "sample", batch, ex.channels(s.inChannels()), "height", "width");
        ElementType tType = timestep.isFloat() ? form.floatType() : ElementType.INT64;
        g.input("timestep", tType, timestep.dims(ex, batch));
        String context = form.floatInput(g, b, "encoder_hidden_states", batch, ex.sequence(), (long) s.crossAttentionDim());
        String timeCond = s.timeCondDim() > 0
                ? form.floatInput(g, b, "timestep_cond", batch, (long) s.timeCondDim()) : null;
        String textEmbeds = null;
        String timeIds = null;
        if (s.textTime()) {
            textEmbeds = form.floatInput(g, b, "text_embeds", batch, (long) s.projectionDim());
            timeIds = form.floatInput(g, b, "time_ids", batch, (long) UNetSpec.TIME_IDS);
        }

        int ch0 = s.channels(0);
        int temb = s.timeEmbedDim();
        String t = tType == ElementType.FLOAT ? "timestep" : b.cast("timestep", ElementType.FLOAT);
        if (timestep == TimestepType.FLOAT_SCALAR) {
            t = b.unsqueeze(t, 0);                                                        // [] -> [1]
        }
        String emb = sinusoid(b, w, t, ch0, "time_proj");                                  // [T, ch0]
        if (timeCond != null) {
            emb = b.add(emb, b.linear(timeCond, "time_embedding.cond_proj", s.timeCondDim(), ch0, false));
        }
        emb = b.linear(emb, "time_embedding.linear_1", ch0, temb, true);
        emb = b.linear(b.silu(emb), "time_embedding.linear_2", temb, temb, true);            // [T or batch, temb]
        if (textEmbeds != null) {
            int add = s.additionTimeEmbedDim();
            String ids = b.reshape(timeIds, -1);                                             // [batch * 6]
            String idEmb = b.reshape(sinusoid(b, w, ids, add, "add_time_proj"), -1, (long) UNetSpec.TIME_IDS * add);
            String aug = b.op("Concat", List.of(textEmbeds, idEmb), Attribute.of("axis", 1));
            long augIn = s.projectionDim() + (long) UNetSpec.TIME_IDS * add;
            aug = b.linear(aug, "add_embedding.linear_1", augIn, temb, true);
            aug = b.linear(b.silu(aug), "add_embedding.linear_2", temb, temb, true);
            emb = b.add(emb, aug);
        }

        int groups = s.groups();
        double eps = 1e-5;
        String h = cb.conv(sample, "conv_in", s.inChannels(), ch0, 3, 1, 1);
        Deque<String> skips = new ArrayDeque<>();
        Deque<Integer> skipChannels = new ArrayDeque<>();
        skips.push(h);
        skipChannels.push(ch0);
        int cur = ch0;
        int n = s.blocks();
        for (int i = 0; i < n; i++) {
            int out = s.channels(i);
            for (int j = 0; j < s.layersPerBlock(); j++) {
                h = cb.resnet(h, "down_blocks." + i + ".resnets." + j, cur, out, emb, temb, groups, eps);
                if (s.attends(i)) {
                    h = cb.transformer(h, context, "down_blocks." + i + ".attentions." + j, out, s.crossAttentionDim(), s.heads(), groups);
                }
                cur = out;
                skips.push(h);
                skipChannels.push(cur);
            }
            if (i < n - 1) {
                h = cb.conv(h, "down_blocks." + i + ".downsamplers.0.conv", cur, cur, 3, 2, 1);
                skips.push(h);
                skipChannels.push(cur);
            }
        }
        h = cb.resnet(h, "mid_block.resnets.0", cur, cur, emb, temb, groups, eps);
        h = cb.transformer(h, context, "mid_block.attentions.0", cur, s.crossAttentionDim(), s.heads(), groups);
        h = cb.resnet(h, "mid_block.resnets.1", cur, cur, emb, temb, groups, eps);
        for (int k = 0; k < n; k++) {
            int i = n - 1 - k;
            int out = s.channels(i);
            for (int j = 0; j <= s.layersPerBlock(); j++) {
                int skipCh = skipChannels.pop();
                h = b.op("Concat", List.of(h, skips.pop()), Attribute.of("axis", 1));
                h = cb.resnet(h, "up_blocks." + k + ".resnets." + j, (long) cur + skipCh, out, emb, temb, groups, eps);
                if (s.attends(i)) {
                    h = cb.transformer(h, context, "up_blocks." + k + ".attentions." + j, out, s.crossAttentionDim(), s.heads(), groups);
                }
                cur = out;
            }
            if (k < n - 1) {
                h = cb.conv(cb.upsample2x(h), "up_blocks." + k + ".upsamplers.0.conv", cur, cur, 3, 1, 1);
            }
        }
        h = cb.groupNormSilu(h, "conv_norm_out", cur, groups, eps);
        h = cb.conv(h, "conv_out", cur, StableDiffusionModel.LATENT_CHANNELS, 3, 1, 1);
        form.floatOutput(g, b, h, "out_sample", batch, (long) StableDiffusionModel.LATENT_CHANNELS, "height", "width");
        return new OnnxModel(g).opset(17).docString("genloom test kit: UNet2DConditionModel " + s + ", " + ex
                + ", timestep " + timestep + (form.isFp16() ? ", fp16" : "") + (form.batchOne() ? ", batch 1" : "")
                + " (seeded random weights)");
    }

    /** Number of parameters of the UNet of {@code s}, counted by building it without making its weights. */
    public static long parameterCount(UNetSpec s) {
        try (ExternalData none = ExternalData.discarding()) {
            Graph g = build(s, ExportForm.of(Exporter.OPTIMUM), TimestepType.FLOAT_SCALAR, 0, none).graph();
            return learned(g);
        }
    }

    /** Sum of the element counts of a graph's learned parameters (initializers other than the kit's constants). */
    static long learned(Graph g) {
        long n = 0;
        for (var t : g.initializers()) {
            String name = t.name();
            if (name.startsWith("const_") || name.endsWith(".freqs")) {
                continue;
            }
            n += t.elementCount();
        }
        return n;
    }

    /** {@code [cos(t f), sin(t f)]} with {@code f_i = 10000^(-i / half)}: diffusers' {@code Timesteps(dim, True, 0)}. */
    static String sinusoid(Blocks b, Weights w, String t, int dim, String name) {
        int half = dim / 2;
        float[] freqs = new float[half];
        for (int i = 0; i < half; i++) {
            freqs[i] = (float) Math.exp(-Math.log(10000.0) * i / half);
        }
        String args = b.mul(b.unsqueeze(t, 1), w.fixedParam(name + ".freqs", freqs, 1, half));
        return b.op("Concat", List.of(b.op("Cos", args), b.op("Sin", args)), Attribute.of("axis", 1));
    }
}
