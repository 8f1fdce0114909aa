package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.ExternalData;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.util.List;

/**
 * CLIP's text transformer as Stable Diffusion pipelines export it: {@code CLIPTextModel}
 * ({@code text_encoder}) or {@code CLIPTextModelWithProjection} (SDXL's {@code text_encoder_2}).
 *
 * <pre>
 * input_ids int32 (script) / int64 (Optimum) [batch, sequence]
 * CLIPTextModel:               -> last_hidden_state [batch, sequence, hidden], pooler_output [batch, hidden]
 * CLIPTextModelWithProjection: -> text_embeds [batch, projection] (Optimum names its dim 1 "sequence_length"),
 *                                 last_hidden_state [batch, sequence, hidden]
 * with output_hidden_states:   -> then hidden_states.0 .. hidden_states.{layers} [batch, sequence, hidden]
 * </pre>
 *
 * {@code hidden_states.0} is the embedding output, {@code hidden_states.i} the output of layer
 * {@code i}; {@code last_hidden_state} is the final LayerNorm of the last. The network: token +
 * position embeddings, pre-LN layers with causal self-attention and a quick-GELU (or GELU) MLP, final
 * LayerNorm; pooled = the final hidden state at the first position of the largest id (the eos);
 * {@code text_embeds = text_projection(pooled)} without bias.
 *
 * @param quickGelu CLIP ViT-L's {@code quick_gelu}; {@code false}: exact GELU (OpenCLIP bigG, SDXL's second encoder)
 */
public record ClipText(int hidden, int heads, int layers, int positions, int vocab, int intermediate,
                       boolean quickGelu, int projectionDim) {

    /** Stable Diffusion 1.x's text encoder, CLIP ViT-L/14's: 12 layers, hidden 768, 12 heads, 49408 tokens. */
    public static final ClipText VIT_L_14 = new ClipText(768, 12, 12, 77, 49408, 3072, true, 768);

    public ClipText {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("text hidden " + hidden + " is not a multiple of " + heads + " heads");
        }
    }

    /**
     * The model. {@code withProjection}: {@code CLIPTextModelWithProjection}'s outputs;
     * {@code hiddenStates}: also every layer's hidden state, as Optimum exports SDXL's encoders.
     */
    public OnnxModel build(ExportForm form, boolean withProjection, boolean hiddenStates, long seed, ExternalData external) {
        Exporter ex = form.exporter();
        Object batch = form.batch();
        String seqAxis = ex.sequence();
        Graph g = new Graph("text_encoder");
        g.input("input_ids", ex.inputIds(), batch, seqAxis);
        Weights w = form.weights(g, seed, external);
        Blocks b = new Blocks(g, w, "");
        String e = "text_model.embeddings";
        String tokens = b.embedding("input_ids", e + ".token_embedding", vocab, hidden);
        String seq = b.dim("input_ids", 1);
        String positionIds = b.op("Range", List.of(w.intScalar(0), seq, w.intScalar(1)));             // [s]
        String positionsEmb = b.embedding(positionIds, e + ".position_embedding", positions, hidden);
        String h = b.add(tokens, positionsEmb);
        String[] states = new String[layers + 1];
        states[0] = h;
        // causal: query i may attend key j <= i; [s, s] broadcasts over batch and heads
        String mask = b.op("LessOrEqual", List.of(b.unsqueeze(positionIds, 0), b.unsqueeze(positionIds, 1)));
        Blocks.Attention spec = Blocks.Attention.multiHead(hidden, heads);
        for (int i = 0; i < layers; i++) {
            String layer = "text_model.encoder.layers." + i;
            String a = b.layerNorm(h, layer + ".layer_norm1", hidden, 1e-5);
            h = b.add(h, b.attention(a, spec, layer + ".self_attn", null, null, mask, null).output());
            String m = b.layerNorm(h, layer + ".layer_norm2", hidden, 1e-5);
            m = b.linear(m, layer + ".mlp.fc1", hidden, intermediate, true);
            m = quickGelu ? b.mul(m, b.op("Sigmoid", b.mul(m, w.floatScalar(1.702f)))) : new ConvBlocks(b).gelu(m);
            m = b.linear(m, layer + ".mlp.fc2", intermediate, hidden, true);
            h = b.add(h, m);
            states[i + 1] = h;
        }
        String last = b.layerNorm(h, "text_model.final_layer_norm", hidden, 1e-5);
        // pooled: the hidden state at argmax(input_ids), the (first) eos of each row
        String eosPos = b.op("ArgMax", b.cast("input_ids", ElementType.FLOAT), Attribute.of("axis", 1), Attribute.of("keepdims", 1));
        String pooled = b.op("GatherND", List.of(last, eosPos), Attribute.of("batch_dims", 1));
        if (withProjection) {
            String embeds = b.linear(pooled, "text_projection", hidden, projectionDim, false);
            form.floatOutput(g, b, embeds, "text_embeds", batch, ex.isOptimum() ? seqAxis : (Object) (long) projectionDim);
            form.floatOutput(g, b, last, "last_hidden_state", batch, seqAxis, (long) hidden);
        } else {
            form.floatOutput(g, b, last, "last_hidden_state", batch, seqAxis, (long) hidden);
            form.floatOutput(g, b, pooled, "pooler_output", batch, (long) hidden);
        }
        if (hiddenStates) {
            for (int i = 0; i <= layers; i++) {
                form.floatOutput(g, b, states[i], "hidden_states." + i, batch, seqAxis, (long) hidden);
            }
        }
        return new OnnxModel(g).opset(17).docString("genloom test kit: CLIP text encoder" + (withProjection ? " with projection" : "")
                + ", " + layers + " layers, hidden " + hidden + " (seeded random weights)");
    }
}
