package dev.genloom.zoo.testkit.lm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.genloom.zoo.testkit.BpeTrainer;
import java.util.Set;

/**
 * A small byte-level BPE tokenizer in the Hugging Face {@code tokenizer.json} format, as GPT-2
 * and Llama 3 use: every byte is a token (ids 0-255, in byte order, spelled with GPT-2's
 * byte-to-unicode alphabet, so a space is {@code Ġ}), then {@code merges} learned
 * deterministically from {@link #CORPUS}, then the special tokens. Any text round-trips.
 *
 * <p>Special tokens sit in the model vocabulary (as GPT-2's {@code <|endoftext|>} does) and in
 * {@code added_tokens}, at the ids the caller gives, which may leave a gap after the merges (a
 * benchmark model's {@code vocab_size} can exceed the tokenizer's).
 */
public final class ByteLevelBpe {

    /** Text the merges are learned from. */
    public static final String CORPUS = String.join(" ",
            "The quick brown fox jumps over the lazy dog.",
            "Once upon a time there was a little model that wanted to generate text on the JVM.",
            "It read the tokens one at a time, and the cache of keys and values grew with every step.",
            "Hello world! This is a test of the tiny language model in the test kit.",
            "The cat sat on the mat, and the dog sat in the sun with the other dogs.",
            "What is the answer? The answer is in the question, said the teacher to the student.");

    private final List<String> merges;
    private final Map<String, Integer> specials;
    private final String bosTemplateToken;

    /**
     * @param mergeCount       how many merges to learn from {@link #CORPUS}
     * @param specials         special tokens and their ids (each id at least {@code 256 + mergeCount})
     * @param bosTemplateToken a special token the post-processor puts before every sequence
     *                         (Llama 3's {@code <|begin_of_text|>}), or {@code null} for none (GPT-2)
     */
    public ByteLevelBpe(int mergeCount, Map<String, Integer> specials, String bosTemplateToken) {
        this.merges = learnMerges(CORPUS, mergeCount);
        this.specials = Collections.unmodifiableMap(new LinkedHashMap<>(specials));
        this.bosTemplateToken = bosTemplateToken;
        int firstFree = 256 + merges.size();
        for (Map.Entry<String, Integer> e : specials.entrySet()) {
            if (e.getValue() < firstFree) {
                throw new IllegalArgumentException("special token " + e.getKey() + " id " + e.getValue()
                        + " collides with the byte and merge tokens (0.." + (firstFree - 1) + ")");
            }
        }
        if (bosTemplateToken != null && !specials.containsKey(bosTemplateToken)) {
            throw new IllegalArgumentException("template token " + bosTemplateToken + " is not a special token");
        }
    }

    /** Number of merges, hence of merged tokens (ids {@code 256 ..}). */
    public int mergeCount() {
        return merges.size();
    }

    public List<String> merges() {
        return merges;
    }

    public Map<String, Integer> specials() {
        return specials;
    }

    /** The {@code tokenizer.json} document. */
    public ObjectNode tokenizerJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode tok = f.objectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        for (Map.Entry<String, Integer> e : specials.entrySet()) {
            ObjectNode t = added.addObject();
            t.put("id", e.getValue());
            t.put("content", e.getKey());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        tok.putNull("normalizer");
        ObjectNode pre = tok.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", true);
        if (bosTemplateToken == null) {
            ObjectNode post = tok.putObject("post_processor");
            post.put("type", "ByteLevel");
            post.put("add_prefix_space", true);
            post.put("trim_offsets", false);
            post.put("use_regex", true);
        } else {
            ObjectNode post = tok.putObject("post_processor");
            post.put("type", "TemplateProcessing");
            ArrayNode single = post.putArray("single");
            single.addObject().putObject("SpecialToken").put("id", bosTemplateToken).put("type_id", 0);
            single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            ArrayNode pair = post.putArray("pair");
            pair.addObject().putObject("SpecialToken").put("id", bosTemplateToken).put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            pair.addObject().putObject("SpecialToken").put("id", bosTemplateToken).put("type_id", 1);
            pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
            ObjectNode st = post.putObject("special_tokens").putObject(bosTemplateToken);
            st.put("id", bosTemplateToken);
            st.putArray("ids").add(specials.get(bosTemplateToken));
            st.putArray("tokens").add(bosTemplateToken);
        }
        ObjectNode dec = tok.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode model = tok.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        String[] alphabet = byteAlphabet();
        for (int b = 0; b < 256; b++) {
            vocab.put(alphabet[b], b);
        }
        for (int i = 0; i < merges.size(); i++) {
            vocab.put(merges.get(i).replace(" ", ""), 256 + i);
        }
        for (Map.Entry<String, Integer> e : specials.entrySet()) {
            vocab.put(e.getKey(), e.getValue());
        }
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return tok;
    }

    /** {@code added_tokens_decoder} of {@code tokenizer_config.json}. */
    public ObjectNode addedTokensDecoder() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Integer> e : specials.entrySet()) {
            ObjectNode t = out.putObject(Integer.toString(e.getValue()));
            t.put("content", e.getKey());
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
        }
        return out;
    }

    /**
     * GPT-2's byte-to-unicode alphabet: printable Latin-1 bytes stand for themselves, the others
     * (controls, space, ...) for code points from 256 up, in byte order.
     */
    public static String[] byteAlphabet() {
        String[] out = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = new String(Character.toChars(printable ? b : next++));
        }
        return out;
    }

    /**
     * Learns {@code count} merges from {@code text}: words are split GPT-2 style (a leading space
     * stays with the word), spelled in the byte alphabet, and the most frequent adjacent pair is
     * merged each round (ties: the pair that sorts first).
     */
    static List<String> learnMerges(String text, int count) {
        String[] alphabet = byteAlphabet();
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String word : splitWords(text)) {
            wordCounts.merge(word, 1, Integer::sum);
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> freqs = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            List<String> symbols = new ArrayList<>();
            for (byte b : e.getKey().getBytes(StandardCharsets.UTF_8)) {
                symbols.add(alphabet[b & 0xFF]);
            }
            words.add(symbols);
            freqs.add(e.getValue());
        }
        return BpeTrainer.learn(words, freqs, Set.of(alphabet), count);
    }

    private static List<String> splitWords(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int start = i;
            if (text.charAt(i) == ' ') {
                i++;
            }
            if (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
                while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
                    i++;
                }
            } else {
                while (i < text.length() && !Character.isLetterOrDigit(text.charAt(i)) && text.charAt(i) != ' ') {
                    i++;
                }
            }
            if (i == start) {
                i++;
            }
            out.add(text.substring(start, i));
        }
        return out;
    }
}
