package dev.genloom.zoo.testkit.bert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.onnx.Attribute;
import dev.genloom.zoo.onnx.ElementType;
import dev.genloom.zoo.onnx.Graph;
import dev.genloom.zoo.onnx.OnnxModel;
import dev.genloom.zoo.testkit.Json;
import dev.genloom.zoo.testkit.lm.Blocks;
import dev.genloom.zoo.testkit.lm.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A sentence-transformers BERT model folder as Transformers.js / Optimum export it
 * ({@code Xenova/all-MiniLM-L6-v2}, {@code Xenova/bge-small-en-v1.5}), with seeded random weights:
 *
 * <pre>
 * config.json                 model_type bert, hidden_size, num_hidden_layers, max_position_embeddings, ...
 * tokenizer.json              WordPiece (BertNormalizer lower case, BertPreTokenizer, [CLS] text [SEP]); as
 *                             the real files ship, it pads and truncates to {@link Config#shippedLength()}
 * tokenizer_config.json       BertTokenizer, model_max_length = max_position_embeddings
 * 1_Pooling/config.json       word_embedding_dimension and the pooling mode (mean, cls or max)
 * modules.json                Transformer, Pooling (and Normalize)
 * onnx/model.onnx             input_ids, attention_mask[, token_type_ids] [batch_size, sequence_length] (int64)
 *                             -&gt; last_hidden_state [batch_size, sequence_length, hidden_size] (float), or
 *                             token_embeddings and sentence_embedding [batch_size, hidden_size] as Optimum's
 *                             sentence-transformers export gives them ({@link Config#sentenceTransformersOutputs()})
 * </pre>
 *
 * The network is Transformers' {@code BertModel}: word, position and token-type embeddings summed
 * and layer-normalised, then post-LayerNorm encoder layers (multi-head attention over the
 * unpadded keys, residual, LayerNorm; GELU (erf) MLP of width {@code intermediate}, residual,
 * LayerNorm), {@code layer_norm_eps = 1e-12}.
 *
 * <p>The vocabulary holds the special tokens ({@code [PAD]} 0, {@code [UNK]} 1, {@code [CLS]} 2,
 * {@code [SEP]} 3, {@code [MASK]} 4), {@link #WORDS} as whole words, every lower-case letter and
 * digit alone and as a {@code ##} continuation, and common punctuation: every lower-case word
 * encodes, a word of {@link #WORDS} to one token.
 */
public final class BertModel {

    public static final String MODEL_TYPE = "bert";
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    public static final String MASK = "[MASK]";
    public static final double LAYER_NORM_EPS = 1e-12;
    /** Whole words of the vocabulary: each encodes to one token. */
    public static final List<String> WORDS = List.of("the", "a", "an", "and", "or", "of", "to", "in", "on", "is",
            "are", "was", "it", "cat", "dog", "sat", "mat", "ran", "park", "sun", "rain", "sky", "blue", "red",
            "green", "car", "road", "fast", "slow", "house", "tree", "river", "water", "fish", "bird", "sings",
            "query", "passage", "represent", "this", "sentence", "for", "searching", "relevant", "passages");

    /** Which sentence-transformers pooling {@code 1_Pooling/config.json} names. */
    public enum Pooling {
        MEAN, CLS, MAX
    }

    /**
     * Sizes, pooling and seed.
     *
     * @param layers        encoder layers
     * @param heads         attention heads
     * @param hidden        hidden size
     * @param intermediate  MLP width
     * @param positions     max_position_embeddings (and the tokenizer's model_max_length)
     * @param shippedLength the length tokenizer.json pads and truncates to, as the real files ship
     * @param pooling       the pooling of 1_Pooling/config.json
     * @param tokenTypeIds  whether the graph takes token_type_ids
     * @param sentenceTransformersOutputs the outputs of Optimum's sentence-transformers export instead:
     *                      {@code token_embeddings} and {@code sentence_embedding} (mean-pooled over the
     *                      mask and L2-normalised in the graph)
     * @param seed          seed of the weights
     */
    public record Config(int layers, int heads, int hidden, int intermediate, int positions, int shippedLength,
                         Pooling pooling, boolean tokenTypeIds, boolean sentenceTransformersOutputs, long seed) {
        public Config {
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
            }
            Objects.requireNonNull(pooling, "pooling");
        }

        /** These sizes with another pooling. */
        public Config withPooling(Pooling p) {
            return new Config(layers, heads, hidden, intermediate, positions, shippedLength, p, tokenTypeIds,
                    sentenceTransformersOutputs, seed);
        }

        /** These sizes with or without the token_type_ids input. */
        public Config withTokenTypeIds(boolean t) {
            return new Config(layers, heads, hidden, intermediate, positions, shippedLength, pooling, t,
                    sentenceTransformersOutputs, seed);
        }

        /** These sizes with Optimum's sentence-transformers outputs (token_embeddings, sentence_embedding). */
        public Config withSentenceTransformersOutputs(boolean o) {
            return new Config(layers, heads, hidden, intermediate, positions, shippedLength, pooling, tokenTypeIds, o, seed);
        }
    }

    /** The test kit's tiny BERT: 2 layers, 4 heads, hidden 32, 64 positions; the tokenizer ships padding to 16; mean pooling. */
    public static final Config TINY = new Config(2, 4, 32, 64, 64, 16, Pooling.MEAN, true, false, 11);

    private BertModel() {
    }

    /** The vocabulary, in id order. */
    public static List<String> vocabulary() {
        List<String> v = new ArrayList<>(List.of(PAD, UNK, CLS, SEP, MASK));
        v.addAll(WORDS);
        for (char c = 'a'; c <= 'z'; c++) {
            v.add(String.valueOf(c));
        }
        for (char c = '0'; c <= '9'; c++) {
            v.add(String.valueOf(c));
        }
        for (char c = 'a'; c <= 'z'; c++) {
            v.add("##" + c);
        }
        for (char c = '0'; c <= '9'; c++) {
            v.add("##" + c);
        }
        for (char c : ".,;:!?'\"()-/".toCharArray()) {
            v.add(String.valueOf(c));
        }
        return v;
    }

    /** Writes the JSON files and {@code onnx/model.onnx} into {@code folder}. */
    public static Path write(Path folder, Config c) {
        List<String> vocab = vocabulary();
        Json.write(folder.resolve("config.json"), config(c, vocab.size()));
        Json.write(folder.resolve("tokenizer.json"), tokenizerJson(c, vocab));
        Json.write(folder.resolve("tokenizer_config.json"), tokenizerConfig(c));
        Json.write(folder.resolve("1_Pooling/config.json"), poolingConfig(c));
        Json.write(folder.resolve("modules.json"), modules());
        model(c, vocab.size()).write(folder.resolve("onnx").resolve("model.onnx"));
        return folder;
    }

    // ---------------------------------------------------------------- graph

    /** {@code onnx/model.onnx}: the encoder, giving {@code last_hidden_state}. */
    public static OnnxModel model(Config c, int vocabSize) {
        Graph g = new Graph("bert");
        g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", ElementType.INT64, "batch_size", "sequence_length");
        if (c.tokenTypeIds()) {
            g.input("token_type_ids", ElementType.INT64, "batch_size", "sequence_length");
        }
        Blocks b = new Blocks(g, new Weights(g, c.seed(), ElementType.FLOAT), "");
        String words = b.embedding("input_ids", "embeddings.word_embeddings", vocabSize, c.hidden());
        String positionIds = b.op("Range", List.of(b.weights().intScalar(0), b.dim("input_ids", 1),
                b.weights().intScalar(1)));
        String h = b.add(words, b.embedding(positionIds, "embeddings.position_embeddings", c.positions(), c.hidden()));
        if (c.tokenTypeIds()) {
            h = b.add(h, b.embedding("token_type_ids", "embeddings.token_type_embeddings", 2, c.hidden()));
        } else {
            // the type-0 row alone, as Transformers adds where no token_type_ids are given
            String table = b.embeddingTable("embeddings.token_type_embeddings", 2, c.hidden());
            h = b.add(h, b.op("Gather", List.of(table, b.weights().intScalar(0)), Attribute.of("axis", 0)));
        }
        h = b.layerNorm(h, "embeddings.LayerNorm", c.hidden(), LAYER_NORM_EPS);
        String mask = b.unsqueeze(b.cast("attention_mask", ElementType.BOOL), 1, 2);          // [b, 1, 1, t]
        Blocks.Attention spec = Blocks.Attention.multiHead(c.hidden(), c.heads());
        for (int i = 0; i < c.layers(); i++) {
            String layer = "encoder.layer." + i;
            String a = b.attention(h, spec, layer + ".attention", null, null, mask, null).output();
            h = b.layerNorm(b.add(h, a), layer + ".attention.output.LayerNorm", c.hidden(), LAYER_NORM_EPS);
            String m = b.linear(h, layer + ".intermediate.dense", c.hidden(), c.intermediate(), true);
            m = b.linear(geluErf(b, m), layer + ".output.dense", c.intermediate(), c.hidden(), true);
            h = b.layerNorm(b.add(h, m), layer + ".output.LayerNorm", c.hidden(), LAYER_NORM_EPS);
        }
        if (!c.sentenceTransformersOutputs()) {
            b.opInto("Identity", h, "last_hidden_state");
            g.output("last_hidden_state", ElementType.FLOAT, "batch_size", "sequence_length", (long) c.hidden());
        } else {
            b.opInto("Identity", h, "token_embeddings");
            String m = b.unsqueeze(b.cast("attention_mask", ElementType.FLOAT), 2);              // [b, s, 1]
            String sum = b.op("ReduceSum", List.of(b.mul(h, m), b.weights().ints(1)), Attribute.of("keepdims", 0));
            String count = b.op("ReduceSum", List.of(m, b.weights().ints(1)), Attribute.of("keepdims", 0));
            String mean = b.op("Div", List.of(sum, count));
            String norm = b.op("ReduceL2", mean, Attribute.ints("axes", -1), Attribute.of("keepdims", 1));
            g.node("Div", List.of(mean, norm), List.of("sentence_embedding")).name("to/sentence_embedding");
            g.output("token_embeddings", ElementType.FLOAT, "batch_size", "sequence_length", (long) c.hidden());
            g.output("sentence_embedding", ElementType.FLOAT, "batch_size", (long) c.hidden());
        }
        return new OnnxModel(g).opset(17);
    }

    /** BERT's exact GELU: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    static String geluErf(Blocks b, String x) {
        String erf = b.op("Erf", b.mul(x, b.weights().floatScalar((float) (1 / Math.sqrt(2)))));
        return b.mul(b.mul(x, b.weights().floatScalar(0.5f)), b.add(erf, b.weights().floatScalar(1f)));
    }

    // ---------------------------------------------------------------- files

    /** The WordPiece {@code tokenizer.json}, padding and truncating to {@link Config#shippedLength()} as shipped. */
    public static ObjectNode tokenizerJson(Config c, List<String> vocab) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode tok = f.objectNode();
        tok.put("version", "1.0");
        ObjectNode truncation = tok.putObject("truncation");
        truncation.put("direction", "Right");
        truncation.put("max_length", c.shippedLength());
        truncation.put("strategy", "LongestFirst");
        truncation.put("stride", 0);
        ObjectNode padding = tok.putObject("padding");
        padding.putObject("strategy").put("Fixed", c.shippedLength());
        padding.put("direction", "Right");
        padding.putNull("pad_to_multiple_of");
        padding.put("pad_id", 0);
        padding.put("pad_type_id", 0);
        padding.put("pad_token", PAD);
        ArrayNode added = tok.putArray("added_tokens");
        for (String s : List.of(PAD, UNK, CLS, SEP, MASK)) {
            ObjectNode a = added.addObject();
            a.put("id", vocab.indexOf(s));
            a.put("content", s);
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", true);
        }
        ObjectNode norm = tok.putObject("normalizer");
        norm.put("type", "BertNormalizer");
        norm.put("clean_text", true);
        norm.put("handle_chinese_chars", true);
        norm.putNull("strip_accents");
        norm.put("lowercase", true);
        tok.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = tok.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", CLS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", CLS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of(CLS, SEP)) {
            ObjectNode st = specials.putObject(s);
            st.put("id", s);
            st.putArray("ids").add(vocab.indexOf(s));
            st.putArray("tokens").add(s);
        }
        ObjectNode decoder = tok.putObject("decoder");
        decoder.put("type", "WordPiece");
        decoder.put("prefix", "##");
        decoder.put("cleanup", true);
        ObjectNode model = tok.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", UNK);
        model.put("continuing_subword_prefix", "##");
        model.put("max_input_chars_per_word", 100);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        return tok;
    }

    static ObjectNode config(Config c, int vocabSize) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add("BertModel");
        o.put("model_type", MODEL_TYPE);
        o.put("hidden_size", c.hidden());
        o.put("num_hidden_layers", c.layers());
        o.put("num_attention_heads", c.heads());
        o.put("intermediate_size", c.intermediate());
        o.put("hidden_act", "gelu");
        o.put("max_position_embeddings", c.positions());
        o.put("vocab_size", vocabSize);
        o.put("type_vocab_size", 2);
        o.put("layer_norm_eps", LAYER_NORM_EPS);
        o.put("pad_token_id", 0);
        return o;
    }

    static ObjectNode tokenizerConfig(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("clean_up_tokenization_spaces", true);
        o.put("cls_token", CLS);
        o.put("do_lower_case", true);
        o.put("mask_token", MASK);
        o.put("model_max_length", c.positions());
        o.put("pad_token", PAD);
        o.put("sep_token", SEP);
        o.put("tokenizer_class", "BertTokenizer");
        o.put("unk_token", UNK);
        return o;
    }

    static ObjectNode poolingConfig(Config c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("word_embedding_dimension", c.hidden());
        o.put("pooling_mode_cls_token", c.pooling() == Pooling.CLS);
        o.put("pooling_mode_mean_tokens", c.pooling() == Pooling.MEAN);
        o.put("pooling_mode_max_tokens", c.pooling() == Pooling.MAX);
        o.put("pooling_mode_mean_sqrt_len_tokens", false);
        return o;
    }

    static ArrayNode modules() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.addObject().put("idx", 0).put("name", "0").put("path", "").put("type", "sentence_transformers.models.Transformer");
        a.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling")
                .put("type", "sentence_transformers.models.Pooling");
        a.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize")
                .put("type", "sentence_transformers.models.Normalize");
        return a;
    }

    /** The pooling's name as sentence-transformers spells its mode ({@code mean}, {@code cls}, {@code max}). */
    public static String poolingName(Pooling p) {
        return p.name().toLowerCase(Locale.ROOT);
    }
}
