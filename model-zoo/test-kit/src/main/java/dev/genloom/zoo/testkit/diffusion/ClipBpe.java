package dev.genloom.zoo.testkit.diffusion;

import dev.genloom.zoo.testkit.BpeTrainer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.testkit.lm.ByteLevelBpe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small CLIP tokenizer, laid out as CLIP's: the 256 byte tokens in CLIP's order (the printable
 * bytes first, then the others, spelled with GPT-2's byte alphabet), the same 256 with the
 * end-of-word suffix {@code </w>}, the merges (learned deterministically from {@link #CORPUS},
 * words lowercased and split as CLIP splits them), then {@code <|startoftext|>} and
 * {@code <|endoftext|>} as the last two ids. Written as {@code vocab.json} + {@code merges.txt}
 * (what {@code CLIPTokenizer} reads) and as a {@code tokenizer.json} of the shape
 * {@code CLIPTokenizerFast} saves (NFC, whitespace collapsed, lowercase, CLIP's split regex,
 * byte-level, BPE with {@code </w>}, {@code RobertaProcessing} adding bos and eos).
 */
public final class ClipBpe {

    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";
    /** CLIP's word split (letters, single digits, runs of other symbols, English contractions). */
    public static final String SPLIT_REGEX = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";
    /** Text the merges are learned from. */
    public static final String CORPUS = String.join(" ",
            "a photo of an astronaut riding a horse on mars",
            "a painting of a fox in the snow, highly detailed, trending on artstation",
            "an oil painting of the sea at sunset with a small boat and a lighthouse",
            "a cat sitting on a chair in a sunny room, photo, 4k",
            "a castle on a hill in the clouds, fantasy art, detailed",
            ByteLevelBpe.CORPUS);

    private final List<String> merges;
    private final List<String> vocab;

    /** A tokenizer with {@code mergeCount} merges: {@code 512 + mergeCount + 2} tokens. */
    public ClipBpe(int mergeCount) {
        this.merges = learnMerges(CORPUS, mergeCount);
        List<String> v = new ArrayList<>();
        List<String> bytes = bytesInClipOrder();
        v.addAll(bytes);
        for (String s : bytes) {
            v.add(s + "</w>");
        }
        for (String m : merges) {
            v.add(m.replace(" ", ""));
        }
        v.add(BOS);
        v.add(EOS);
        this.vocab = Collections.unmodifiableList(v);
    }

    public List<String> merges() {
        return merges;
    }

    /** Every token, by id. */
    public List<String> vocab() {
        return vocab;
    }

    public int vocabSize() {
        return vocab.size();
    }

    public int bosTokenId() {
        return vocab.size() - 2;
    }

    public int eosTokenId() {
        return vocab.size() - 1;
    }

    /** {@code vocab.json}: token to id, in id order. */
    public ObjectNode vocabJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < vocab.size(); i++) {
            o.put(vocab.get(i), i);
        }
        return o;
    }

    /** {@code merges.txt} as CLIP ships it: a version line, then one merge a line. */
    public String mergesTxt() {
        StringBuilder sb = new StringBuilder("#version: 0.2\n");
        for (String m : merges) {
            sb.append(m).append('\n');
        }
        return sb.toString();
    }

    /**
     * The {@code tokenizer.json} document ({@code CLIPTokenizerFast}'s pipeline). It also sets
     * truncation and padding to {@code maxLength} with {@code <|endoftext|>}, so that a plain load
     * encodes as diffusers calls {@code CLIPTokenizer} ({@code padding="max_length",
     * max_length=77, truncation=True}).
     */
    public ObjectNode tokenizerJson(int maxLength) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode tok = f.objectNode();
        tok.put("version", "1.0");
        ObjectNode truncation = tok.putObject("truncation");
        truncation.put("direction", "Right");
        truncation.put("max_length", maxLength);
        truncation.put("strategy", "LongestFirst");
        truncation.put("stride", 0);
        ObjectNode padding = tok.putObject("padding");
        padding.putObject("strategy").put("Fixed", maxLength);
        padding.put("direction", "Right");
        padding.putNull("pad_to_multiple_of");
        padding.put("pad_id", eosTokenId());
        padding.put("pad_type_id", 0);
        padding.put("pad_token", EOS);
        ArrayNode added = tok.putArray("added_tokens");
        for (String s : List.of(BOS, EOS)) {
            ObjectNode t = added.addObject();
            t.put("id", vocab.indexOf(s));
            t.put("content", s);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", true);
            t.put("special", true);
        }
        ObjectNode norm = tok.putObject("normalizer");
        norm.put("type", "Sequence");
        ArrayNode norms = norm.putArray("normalizers");
        norms.addObject().put("type", "NFC");
        ObjectNode replace = norms.addObject();
        replace.put("type", "Replace");
        replace.putObject("pattern").put("Regex", "\\s+");
        replace.put("content", " ");
        norms.addObject().put("type", "Lowercase");
        ObjectNode pre = tok.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        ObjectNode split = pres.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", SPLIT_REGEX);
        split.put("behavior", "Removed");
        split.put("invert", true);
        ObjectNode byteLevel = pres.addObject();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", false);
        byteLevel.put("trim_offsets", true);
        byteLevel.put("use_regex", false);
        ObjectNode post = tok.putObject("post_processor");
        post.put("type", "RobertaProcessing");
        post.putArray("sep").add(EOS).add(eosTokenId());
        post.putArray("cls").add(BOS).add(bosTokenId());
        post.put("trim_offsets", false);
        post.put("add_prefix_space", false);
        ObjectNode dec = tok.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode model = tok.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", EOS);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "</w>");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocabJson());
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return tok;
    }

    /**
     * {@code tokenizer_config.json} as Stable Diffusion 1.x ships it: lowercase, 77 positions,
     * padding with {@code <|endoftext|>}.
     */
    public ObjectNode tokenizerConfig(int maxLength) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("add_prefix_space", false);
        o.put("bos_token", BOS);
        o.put("clean_up_tokenization_spaces", true);
        o.put("do_lower_case", true);
        o.put("eos_token", EOS);
        o.put("errors", "replace");
        o.put("model_max_length", maxLength);
        o.put("pad_token", EOS);
        o.put("tokenizer_class", "CLIPTokenizer");
        o.put("unk_token", EOS);
        return o;
    }

    /** {@code special_tokens_map.json}. */
    public ObjectNode specialTokensMap() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("bos_token", BOS);
        o.put("eos_token", EOS);
        o.put("pad_token", EOS);
        o.put("unk_token", EOS);
        return o;
    }

    /** The 256 byte symbols in CLIP's vocabulary order: printable bytes ascending, then the rest. */
    static List<String> bytesInClipOrder() {
        String[] alphabet = ByteLevelBpe.byteAlphabet();
        List<String> printable = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            // printable bytes stand for themselves in the alphabet; the others moved to 256+
            (alphabet[b].codePointAt(0) == b ? printable : other).add(alphabet[b]);
        }
        printable.addAll(other);
        return printable;
    }

    /**
     * Learns {@code count} merges: the text is lowercased and split with {@link #SPLIT_REGEX},
     * each word spelled in the byte alphabet with {@code </w>} on its last symbol, and the most
     * frequent adjacent pair is merged each round (ties: the pair that sorts first).
     */
    static List<String> learnMerges(String text, int count) {
        String[] alphabet = ByteLevelBpe.byteAlphabet();
        Map<String, Integer> wordCounts = new TreeMap<>();
        Matcher matcher = Pattern.compile(SPLIT_REGEX).matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            wordCounts.merge(matcher.group(), 1, Integer::sum);
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> freqs = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            List<String> symbols = new ArrayList<>();
            for (byte b : e.getKey().getBytes(StandardCharsets.UTF_8)) {
                symbols.add(alphabet[b & 0xFF]);
            }
            symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + "</w>");
            words.add(symbols);
            freqs.add(e.getValue());
        }
        Set<String> initial = new HashSet<>(bytesInClipOrder());
        for (String s : bytesInClipOrder()) {
            initial.add(s + "</w>");
        }
        return BpeTrainer.learn(words, freqs, initial, count);
    }
}
