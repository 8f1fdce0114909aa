package dev.genloom.zoo.testkit.clip;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.ByteLevelBpe;
import dev.genloom.zoo.testkit.lm.Weights;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CLIP model folder as Transformers.js / Optimum export it, with seeded random weights:
 *
 * <pre>
 * config.json                 model_type clip, text_config, vision_config, projection_dim, logit_scale_init_value
 * preprocessor_config.json    CLIPImageProcessor: resize to shortest_edge, center crop, rescale 1/255, OpenAI mean/std
 * tokenizer.json              CLIP-like byte-level BPE: lowercased, &lt;|startoftext|&gt; text &lt;|endoftext|&gt;
 * tokenizer_config.json, special_tokens_map.json
 * onnx/model.onnx             input_ids, attention_mask [text_batch_size, sequence_length] (int64),
 *                             pixel_values [image_batch_size, num_channels, height, width] (float)
 *                             -&gt; logits_per_image [image_batch_size, text_batch_size],
 *                                logits_per_text [text_batch_size, image_batch_size],
 *                                text_embeds [text_batch_size, projection_dim] (unit length),
 *                                image_embeds [image_batch_size, projection_dim] (unit length)
 * onnx/text_model.onnx        input_ids [batch_size, sequence_length]
 *                             -&gt; text_embeds [batch_size, projection_dim] (not normalised),
 *                                last_hidden_state [batch_size, sequence_length, text hidden]
 * onnx/vision_model.onnx      pixel_values [batch_size, num_channels, height, width]
 *                             -&gt; image_embeds [batch_size, projection_dim] (not normalised),
 *                                last_hidden_state [batch_size, sequence_length, vision hidden]
 * </pre>
 *
 * The axis names are those of Optimum's {@code CLIPOnnxConfig}, {@code CLIPTextWithProjectionOnnxConfig}
 * and {@code CLIPVisionWithProjectionOnnxConfig} (what Transformers.js's conversion script uses). As in
 * those exports, the separate text model takes {@code input_ids} only (CLIP's causal mask and
 * pooling at the end-of-text token make right padding harmless), and {@code height}/{@code width}
 * are declared dynamic although the learned positions only fit {@code image_size}.
 *
 * <p>The network is Transformers' {@code CLIPModel}: the text tower embeds tokens plus learned
 * positions, runs pre-LayerNorm blocks (multi-head attention under a causal and padding mask,
 * quick-GELU MLP {@code x * sigmoid(1.702 x)} of width {@code 4 * hidden}), a final LayerNorm
 * ({@code last_hidden_state}), and pools at the end-of-text token, found as the argmax of the
 * ids (the end-of-text token has the highest id); the vision tower cuts patches with a
 * {@code Conv} (kernel = stride = patch size, no bias), prepends the class token, adds learned
 * positions, applies {@code pre_layrnorm}, the same blocks without a mask
 * ({@code last_hidden_state}), and pools the class token through {@code post_layernorm}. Both
 * project without bias; {@code model.onnx} L2-normalises the projections and scales their
 * cosines by {@code exp(logit_scale)}, {@code logit_scale = ln(100)} as trained CLIP has it.
 * The three files hold the same weights.
 */
public final class ClipModel {

    public static final String MODEL_TYPE = "clip";
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";
    /** Merges of the kit's tokenizer: byte tokens 0-255, merged tokens 256-317, then BOS and EOS. */
    public static final int MERGES = 62;
    /** {@code logit_scale} stored in the weights: {@code ln(100)}, so logits are 100 x cosine. */
    public static final float LOGIT_SCALE = (float) Math.log(100.0);
    /** {@code logit_scale_init_value} of the config: {@code ln(1 / 0.07)}, Transformers' default. */
    public static final double LOGIT_SCALE_INIT = 2.6592;
    public static final double LAYER_NORM_EPS = 1e-5;
    /** OpenAI CLIP's image normalisation. */
    public static final double[] IMAGE_MEAN = {0.48145466, 0.4578275, 0.40821073};
    public static final double[] IMAGE_STD = {0.26862954, 0.26130258, 0.27577711};

    /** Text tower sizes; the intermediate size is {@code 4 * hidden}. */
    public record TextConfig(int layers, int heads, int hidden, int positions, int vocabSize) {
        public TextConfig {
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("text hidden " + hidden + " is not a multiple of heads " + heads);
            }
            if (vocabSize < 256 + MERGES + 2) {
                throw new IllegalArgumentException("text vocab_size must be at least " + (256 + MERGES + 2));
            }
        }

        public int bosTokenId() {
            return vocabSize - 2;
        }

        /** The end-of-text token: the highest id, so that CLIP's argmax pooling finds it. */
        public int eosTokenId() {
            return vocabSize - 1;
        }
    }

    /** Vision tower sizes; the intermediate size is {@code 4 * hidden}. */
    public record VisionConfig(int layers, int heads, int hidden, int patchSize, int imageSize) {
        public VisionConfig {
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("vision hidden " + hidden + " is not a multiple of heads " + heads);
            }
            if (imageSize % patchSize != 0) {
                throw new IllegalArgumentException("image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
            }
        }

        /** Patches plus the class token. */
        public int tokens() {
            int side = imageSize / patchSize;
            return side * side + 1;
        }
    }

    /** Both towers, the shared projection size and the seed. */
    public record Config(TextConfig text, VisionConfig vision, int projectionDim, long seed) {
    }

    /** The test kit's tiny CLIP: towers of 2 layers, 4 heads, hidden 32; 32x32 images in 8x8 patches; 16 text positions; projection 16. */
    public static final Config TINY = new Config(
            new TextConfig(2, 4, 32, 16, 256 + MERGES + 2),
            new VisionConfig(2, 4, 32, 8, 32), 16, 7);
    /** CLIP ViT-B/32 sizes, for benchmarks (about 600 MB per file of float32 weights). */
    public static final Config VIT_B_32 = new Config(
            new TextConfig(12, 8, 512, 77, 49408),
            new VisionConfig(12, 12, 768, 32, 224), 512, 7);

    private ClipModel() {
    }

    /** Writes the JSON files and the three ONNX files into {@code folder}. */
    public static Path write(Path folder, Config c) {
        ByteLevelBpe bpe = bpe(c);
        Json.write(folder.resolve("config.json"), config(c));
        Json.write(folder.resolve("preprocessor_config.json"), preprocessorConfig(c));
        Json.write(folder.resolve("tokenizer.json"), tokenizerJson(c, bpe));
        Json.write(folder.resolve("tokenizer_config.json"), tokenizerConfig(c, bpe));
        Json.write(folder.resolve("special_tokens_map.json"), specialTokensMap());
        Path onnx = folder.resolve("onnx");
        model(c).write(onnx.resolve("model.onnx"));
        textModel(c).write(onnx.resolve("text_model.onnx"));
        visionModel(c).write(onnx.resolve("vision_model.onnx"));
        return folder;
    }

    // ---------------------------------------------------------------- graphs

    /** {@code onnx/model.onnx}: both towers, normalised embeddings and the similarity logits. */
    public static OnnxModel model(Config c) {
        Graph g = new Graph("clip");
        g.input("input_ids", ElementType.INT64, "text_batch_size", "sequence_length");
        g.input("pixel_values", ElementType.FLOAT, "image_batch_size", "num_channels", "height", "width");
        g.input("attention_mask", ElementType.INT64, "text_batch_size", "sequence_length");
        Blocks b = new Blocks(g, new Weights(g, c.seed(), ElementType.FLOAT), "");
        String text = textTower(b, c, "input_ids", "attention_mask").embeds();
        String image = visionTower(b, c, "pixel_values").embeds();
        String textNorm = b.opInto("Identity", l2Normalize(b, text), "text_embeds");
        String imageNorm = b.opInto("Identity", l2Normalize(b, image), "image_embeds");
        String scale = b.op("Exp", b.weights().fixedParam("logit_scale", new float[] {LOGIT_SCALE}));
        String cosines = b.matMul(textNorm, b.transpose(imageNorm, 1, 0));                  // [texts, images]
        g.node("Mul", List.of(cosines, scale), List.of("logits_per_text")).name("to/logits_per_text");
        b.opInto("Transpose", "logits_per_text", "logits_per_image", Attribute.ints("perm", 1, 0));
        g.output("logits_per_image", ElementType.FLOAT, "image_batch_size", "text_batch_size");
        g.output("logits_per_text", ElementType.FLOAT, "text_batch_size", "image_batch_size");
        g.output("text_embeds", ElementType.FLOAT, "text_batch_size", (long) c.projectionDim());
        g.output("image_embeds", ElementType.FLOAT, "image_batch_size", (long) c.projectionDim());
        return new OnnxModel(g).opset(17);
    }

    /** {@code onnx/text_model.onnx}: the text tower with its projection ({@code CLIPTextModelWithProjection}). */
    public static OnnxModel textModel(Config c) {
        Graph g = new Graph("clip_text_model");
        g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
        Blocks b = new Blocks(g, new Weights(g, c.seed(), ElementType.FLOAT), "");
        Tower t = textTower(b, c, "input_ids", null);
        b.opInto("Identity", t.embeds(), "text_embeds");
        b.opInto("Identity", t.lastHiddenState(), "last_hidden_state");
        g.output("text_embeds", ElementType.FLOAT, "batch_size", (long) c.projectionDim());
        g.output("last_hidden_state", ElementType.FLOAT, "batch_size", "sequence_length", (long) c.text().hidden());
        return new OnnxModel(g).opset(17);
    }

    /** {@code onnx/vision_model.onnx}: the vision tower with its projection ({@code CLIPVisionModelWithProjection}). */
    public static OnnxModel visionModel(Config c) {
        Graph g = new Graph("clip_vision_model");
        g.input("pixel_values", ElementType.FLOAT, "batch_size", "num_channels", "height", "width");
        Blocks b = new Blocks(g, new Weights(g, c.seed(), ElementType.FLOAT), "");
        Tower t = visionTower(b, c, "pixel_values");
        b.opInto("Identity", t.embeds(), "image_embeds");
        b.opInto("Identity", t.lastHiddenState(), "last_hidden_state");
        g.output("image_embeds", ElementType.FLOAT, "batch_size", (long) c.projectionDim());
        g.output("last_hidden_state", ElementType.FLOAT, "batch_size", "sequence_length", (long) c.vision().hidden());
        return new OnnxModel(g).opset(17);
    }

    /** What a tower produced: the projected (not normalised) embedding and its last hidden state. */
    record Tower(String embeds, String lastHiddenState) {
    }

    static Tower textTower(Blocks b, Config c, String inputIds, String attentionMask) {
        TextConfig t = c.text();
        String tokens = b.embedding(inputIds, "text_model.embeddings.token_embedding", t.vocabSize(), t.hidden());
        String positionIds = b.op("Range", List.of(b.weights().intScalar(0), b.dim(inputIds, 1), b.weights().intScalar(1)));
        String positions = b.embedding(positionIds, "text_model.embeddings.position_embedding", t.positions(), t.hidden());
        String h = b.add(tokens, positions);                                                  // [b, s, hidden]
        String mask = attentionMask != null ? b.causalMask(inputIds, attentionMask) : causalOnly(b, inputIds);
        h = encoder(b, h, "text_model.encoder", t.layers(), t.heads(), t.hidden(), mask);
        String last = b.layerNorm(h, "text_model.final_layer_norm", t.hidden(), LAYER_NORM_EPS);
        // pooled at the end-of-text token: argmax of the ids, as CLIPTextTransformer does (int32 argmax)
        String eos = b.op("ArgMax", b.cast(inputIds, ElementType.INT32), Attribute.of("axis", -1), Attribute.of("keepdims", 1));
        String index = b.op("Expand", List.of(b.unsqueeze(eos, 2), batchShape(b, inputIds, 1, t.hidden())));   // [b, 1, hidden]
        String pooled = b.reshape(b.op("GatherElements", List.of(last, index), Attribute.of("axis", 1)), 0, t.hidden());
        String embeds = b.linear(pooled, "text_projection", t.hidden(), c.projectionDim(), false);
        return new Tower(embeds, last);
    }

    static Tower visionTower(Blocks b, Config c, String pixelValues) {
        VisionConfig v = c.vision();
        String kernel = b.weights().param("vision_model.embeddings.patch_embedding.weight", Weights.Init.UNIFORM,
                Math.sqrt(3.0 / (3L * v.patchSize() * v.patchSize())), v.hidden(), 3, v.patchSize(), v.patchSize());
        String patches = b.op("Conv", List.of(pixelValues, kernel),
                Attribute.ints("kernel_shape", v.patchSize(), v.patchSize()),
                Attribute.ints("strides", v.patchSize(), v.patchSize()));                 // [b, hidden, g, g]
        patches = b.transpose(b.reshape(patches, 0, v.hidden(), -1), 0, 2, 1);           // [b, g*g, hidden]
        String cls = b.weights().param("vision_model.embeddings.class_embedding", Weights.Init.UNIFORM,
                Math.sqrt(3.0 / v.hidden()), v.hidden());
        String classToken = b.op("Expand", List.of(b.reshape(cls, 1, 1, v.hidden()), batchShape(b, pixelValues, 1, v.hidden())));
        String h = b.op("Concat", List.of(classToken, patches), Attribute.of("axis", 1));  // [b, tokens, hidden]
        h = b.add(h, b.embeddingTable("vision_model.embeddings.position_embedding", v.tokens(), v.hidden()));
        h = b.layerNorm(h, "vision_model.pre_layrnorm", v.hidden(), LAYER_NORM_EPS);
        String last = encoder(b, h, "vision_model.encoder", v.layers(), v.heads(), v.hidden(), null);
        String pooled = b.op("Gather", List.of(last, b.weights().intScalar(0)), Attribute.of("axis", 1));   // [b, hidden]
        pooled = b.layerNorm(pooled, "vision_model.post_layernorm", v.hidden(), LAYER_NORM_EPS);
        String embeds = b.linear(pooled, "visual_projection", v.hidden(), c.projectionDim(), false);
        return new Tower(embeds, last);
    }

    /** CLIP encoder layers: pre-LN attention and pre-LN quick-GELU MLP, each with a residual. */
    static String encoder(Blocks b, String h, String name, int layers, int heads, int hidden, String mask) {
        Blocks.Attention spec = Blocks.Attention.multiHead(hidden, heads);
        for (int i = 0; i < layers; i++) {
            String layer = name + ".layers." + i;
            String a = b.layerNorm(h, layer + ".layer_norm1", hidden, LAYER_NORM_EPS);
            h = b.add(h, b.attention(a, spec, layer + ".self_attn", null, null, mask, null).output());
            String m = b.layerNorm(h, layer + ".layer_norm2", hidden, LAYER_NORM_EPS);
            m = b.linear(m, layer + ".mlp.fc1", hidden, 4L * hidden, true);
            m = b.linear(quickGelu(b, m), layer + ".mlp.fc2", 4L * hidden, hidden, true);
            h = b.add(h, m);
        }
        return h;
    }

    /** CLIP's {@code quick_gelu}: {@code x * sigmoid(1.702 x)}. */
    public static String quickGelu(Blocks b, String x) {
        return b.mul(x, b.op("Sigmoid", b.mul(x, b.weights().floatScalar(1.702f))));
    }

    /** {@code x / ||x||} over the last axis. */
    static String l2Normalize(Blocks b, String x) {
        String norm = b.op("ReduceL2", x, Attribute.ints("axes", -1), Attribute.of("keepdims", 1));
        return b.op("Div", List.of(x, norm));
    }

    /** The boolean causal mask {@code [seq, seq]} (query {@code i} sees keys {@code j <= i}). */
    static String causalOnly(Blocks b, String inputIds) {
        String pos = b.op("Range", List.of(b.weights().intScalar(0), b.dim(inputIds, 1), b.weights().intScalar(1)));
        return b.op("LessOrEqual", List.of(b.unsqueeze(pos, 0), b.unsqueeze(pos, 1)));
    }

    /** The int64 shape {@code [dim 0 of x, rest...]}. */
    static String batchShape(Blocks b, String x, long... rest) {
        String batch = b.unsqueeze(b.dim(x, 0), 0);
        return b.op("Concat", List.of(batch, b.weights().ints(rest)), Attribute.of("axis", 0));
    }

    // ---------------------------------------------------------------- files

    /** The byte-level BPE under the CLIP-like tokenizer: BOS and EOS are the two highest ids. */
    static ByteLevelBpe bpe(Config c) {
        Map<String, Integer> specials = new LinkedHashMap<>();
        specials.put(BOS, c.text().bosTokenId());
        specials.put(EOS, c.text().eosTokenId());
        return new ByteLevelBpe(MERGES, specials, null);
    }

    /**
     * The {@code tokenizer.json}: the kit's byte-level BPE, with CLIP's NFC + whitespace-folding +
     * lowercasing normaliser and a template that wraps every text as {@code <|startoftext|> text
     * <|endoftext|>}. Unlike OpenAI's vocabulary it has no {@code </w>} word-end suffix.
     */
    public static ObjectNode tokenizerJson(Config c, ByteLevelBpe bpe) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode tok = bpe.tokenizerJson();
        ObjectNode norm = f.objectNode();
        norm.put("type", "Sequence");
        ArrayNode steps = norm.putArray("normalizers");
        steps.addObject().put("type", "NFC");
        ObjectNode spaces = steps.addObject();
        spaces.put("type", "Replace");
        spaces.putObject("pattern").put("Regex", "\\s+");
        spaces.put("content", " ");
        steps.addObject().put("type", "Lowercase");
        tok.set("normalizer", norm);
        ObjectNode post = f.objectNode();
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", EOS).put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", EOS).put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", EOS).put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of(BOS, EOS)) {
            ObjectNode st = specials.putObject(s);
            st.put("id", s);
            st.putArray("ids").add(bpe.specials().get(s));
            st.putArray("tokens").add(s);
        }
        tok.set("post_processor", post);
        // keep "model" last, as the Hugging Face files have it
        ObjectNode model = (ObjectNode) tok.remove("model");
        tok.set("model", model);
        return tok;
    }

    static ObjectNode tokenizerConfig(Config c, ByteLevelBpe bpe) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("added_tokens_decoder", bpe.addedTokensDecoder());
        o.put("bos_token", BOS);
        o.put("eos_token", EOS);
        o.put("pad_token", EOS);
        o.put("unk_token", EOS);
        o.put("clean_up_tokenization_spaces", true);
        o.put("do_lower_case", true);
        o.put("model_max_length", c.text().positions());
        o.put("tokenizer_class", "CLIPTokenizer");
        return o;
    }

    static ObjectNode specialTokensMap() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("bos_token", BOS);
        o.put("eos_token", EOS);
        o.put("pad_token", EOS);
        o.put("unk_token", EOS);
        return o;
    }

    static ObjectNode config(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_type", MODEL_TYPE);
        o.putArray("architectures").add("CLIPModel");
        o.put("projection_dim", c.projectionDim());
        o.put("logit_scale_init_value", LOGIT_SCALE_INIT);
        o.put("initializer_factor", 1.0);
        TextConfig t = c.text();
        ObjectNode text = o.putObject("text_config");
        text.put("model_type", "clip_text_model");
        text.put("vocab_size", t.vocabSize());
        text.put("hidden_size", t.hidden());
        text.put("intermediate_size", 4 * t.hidden());
        text.put("num_hidden_layers", t.layers());
        text.put("num_attention_heads", t.heads());
        text.put("max_position_embeddings", t.positions());
        text.put("hidden_act", "quick_gelu");
        text.put("layer_norm_eps", LAYER_NORM_EPS);
        text.put("projection_dim", c.projectionDim());
        text.put("bos_token_id", t.bosTokenId());
        text.put("eos_token_id", t.eosTokenId());
        text.put("pad_token_id", t.eosTokenId());
        VisionConfig v = c.vision();
        ObjectNode vision = o.putObject("vision_config");
        vision.put("model_type", "clip_vision_model");
        vision.put("hidden_size", v.hidden());
        vision.put("intermediate_size", 4 * v.hidden());
        vision.put("num_hidden_layers", v.layers());
        vision.put("num_attention_heads", v.heads());
        vision.put("num_channels", 3);
        vision.put("image_size", v.imageSize());
        vision.put("patch_size", v.patchSize());
        vision.put("hidden_act", "quick_gelu");
        vision.put("layer_norm_eps", LAYER_NORM_EPS);
        vision.put("projection_dim", c.projectionDim());
        return o;
    }

    static ObjectNode preprocessorConfig(Config c) {
        int size = c.vision().imageSize();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("image_processor_type", "CLIPImageProcessor");
        o.put("feature_extractor_type", "CLIPFeatureExtractor");
        o.put("do_resize", true);
        o.putObject("size").put("shortest_edge", size);
        o.put("resample", 3);
        o.put("do_center_crop", true);
        o.putObject("crop_size").put("height", size).put("width", size);
        o.put("do_rescale", true);
        o.put("rescale_factor", 1.0 / 255.0);
        o.put("do_normalize", true);
        ArrayNode mean = o.putArray("image_mean");
        for (double m : IMAGE_MEAN) {
            mean.add(m);
        }
        ArrayNode std = o.putArray("image_std");
        for (double s : IMAGE_STD) {
            std.add(s);
        }
        o.put("do_convert_rgb", true);
        return o;
    }
}
