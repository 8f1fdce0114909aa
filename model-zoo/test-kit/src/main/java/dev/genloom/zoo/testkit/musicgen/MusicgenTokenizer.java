package dev.genloom.zoo.testkit.musicgen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny T5-style tokenizer in the Hugging Face {@code tokenizer.json} format: a {@code Unigram}
 * model whose pieces are {@code <pad>} (0), {@code </s>} (1), {@code <unk>} (2), the word
 * boundary {@code ▁}, the lower-case letters, digits and a little punctuation (so every such text
 * segments), and a few whole words ({@code ▁music}, {@code ▁piano}, ...) with higher scores; a
 * {@code Metaspace} pre-tokenizer ({@code ▁} prepended, whitespace split) and decoder; and a
 * template appending {@code </s>}, as {@code t5-base}'s file has. T5's precompiled normalizer
 * is left out (no normalizer).
 */
public final class MusicgenTokenizer {

    public static final int PAD_ID = 0;
    public static final int EOS_ID = 1;
    public static final int UNK_ID = 2;

    static final String SPACE = "\u2581";
    private static final List<String> WORDS = List.of("music", "piano", "beat", "drum", "drums", "jazz", "lo", "fi",
            "calm", "happy", "rock", "with", "and", "the", "a", "of", "guitar", "bass", "slow", "fast");
    private static final String SINGLES = "abcdefghijklmnopqrstuvwxyz0123456789.,-'!?";

    private MusicgenTokenizer() {
    }

    /** The pieces in id order with their Unigram log-probability scores. */
    static List<Object[]> pieces() {
        List<Object[]> p = new ArrayList<>();
        p.add(new Object[] {"<pad>", 0.0});
        p.add(new Object[] {"</s>", 0.0});
        p.add(new Object[] {"<unk>", 0.0});
        p.add(new Object[] {SPACE, -2.0});
        for (String w : WORDS) {
            p.add(new Object[] {SPACE + w, -3.0 - 0.01 * p.size()});
        }
        for (char ch : SINGLES.toCharArray()) {
            p.add(new Object[] {String.valueOf(ch), -6.0 - 0.01 * p.size()});
        }
        return p;
    }

    /** Size of the vocabulary (the text encoder's {@code vocab_size}). */
    public static int vocabSize() {
        return pieces().size();
    }

    /** The id of a piece ({@code ▁music}, {@code a}, ...), or -1. */
    public static int id(String piece) {
        List<Object[]> p = pieces();
        for (int i = 0; i < p.size(); i++) {
            if (p.get(i)[0].equals(piece)) {
                return i;
            }
        }
        return -1;
    }

    static ObjectNode tokenizerJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("version", "1.0");
        o.putNull("truncation");
        o.putNull("padding");
        ArrayNode added = o.putArray("added_tokens");
        String[] specials = {"<pad>", "</s>", "<unk>"};
        for (int i = 0; i < specials.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", specials[i]);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        o.putNull("normalizer");
        ObjectNode pre = o.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        pres.addObject().put("type", "WhitespaceSplit");
        ObjectNode meta = pres.addObject();
        meta.put("type", "Metaspace");
        meta.put("replacement", SPACE);
        meta.put("prepend_scheme", "always");
        meta.put("split", true);
        ObjectNode post = o.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ObjectNode eos = post.putObject("special_tokens").putObject("</s>");
        eos.put("id", "</s>");
        eos.putArray("ids").add(EOS_ID);
        eos.putArray("tokens").add("</s>");
        ObjectNode decoder = o.putObject("decoder");
        decoder.put("type", "Metaspace");
        decoder.put("replacement", SPACE);
        decoder.put("prepend_scheme", "always");
        decoder.put("split", true);
        ObjectNode model = o.putObject("model");
        model.put("type", "Unigram");
        model.put("unk_id", UNK_ID);
        ArrayNode vocab = model.putArray("vocab");
        for (Object[] piece : pieces()) {
            vocab.addArray().add((String) piece[0]).add((Double) piece[1]);
        }
        model.put("byte_fallback", false);
        return o;
    }

    static ObjectNode tokenizerConfig() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("tokenizer_class", "T5Tokenizer");
        o.put("eos_token", "</s>");
        o.put("pad_token", "<pad>");
        o.put("unk_token", "<unk>");
        o.put("extra_ids", 0);
        o.put("model_max_length", 512);
        return o;
    }
}
