package dev.genloom.zoo.testkit.whisper;

import dev.genloom.zoo.testkit.lm.ByteLevelBpe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whisper's token layout: byte-level BPE tokens first, then, at the end of the vocabulary, the
 * special tokens in Whisper's order:
 *
 * <pre>
 * &lt;|endoftext|&gt;            eot                 (50256 in .en models, 50257 in multilingual ones)
 * &lt;|startoftranscript|&gt;    eot + 1             decoder_start_token_id
 * &lt;|en|&gt;, &lt;|zh|&gt;, ...      eot + 2 ...         one per language
 * &lt;|translate|&gt;, &lt;|transcribe|&gt;, &lt;|startoflm|&gt;, &lt;|startofprev|&gt;, &lt;|nocaptions|&gt;
 * &lt;|notimestamps|&gt;         no_timestamps_token_id
 * &lt;|0.00|&gt; ... &lt;|30.00|&gt;   1501 timestamps, from timestamp_begin = no_timestamps + 1, step 0.02 s
 * </pre>
 *
 * so that {@code eot = vocab_size - (2 + languages + 6 + 1501)}: for Whisper's 99 languages,
 * 51864 gives the {@code .en} ids and 51865 the multilingual ones.
 */
public final class WhisperTokenLayout {

    /** Merges of the kit's tokenizer: byte tokens 0-255, merged tokens 256-318. */
    public static final int MERGES = 63;
    /** Timestamp tokens: {@code <|0.00|>} to {@code <|30.00|>}. */
    public static final int TIMESTAMPS = 1501;
    /** Seconds per timestamp token. */
    public static final double TIMESTAMP_STEP = 0.02;

    public static final String EOT = "<|endoftext|>";
    public static final String SOT = "<|startoftranscript|>";
    public static final String TRANSLATE = "<|translate|>";
    public static final String TRANSCRIBE = "<|transcribe|>";
    public static final String START_OF_LM = "<|startoflm|>";
    public static final String START_OF_PREV = "<|startofprev|>";
    public static final String NO_CAPTIONS = "<|nocaptions|>";
    public static final String NO_TIMESTAMPS = "<|notimestamps|>";

    /** Whisper's 99 language codes, in token order. */
    public static final List<String> LANGUAGES = List.of(("en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi"
            + " he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne"
            + " mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl"
            + " mg as tt haw ln ha ba jw su").split(" "));

    private final int vocabSize;
    private final List<String> languages;

    public WhisperTokenLayout(int vocabSize, List<String> languages) {
        this.vocabSize = vocabSize;
        this.languages = List.copyOf(languages);
        if (eot() < 256 + MERGES) {
            throw new IllegalArgumentException("vocab_size " + vocabSize + " is too small for the special tokens");
        }
    }

    /** How many special tokens {@code languageCount} languages give. */
    public static int specialCount(int languageCount) {
        return 2 + languageCount + 6 + TIMESTAMPS;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public List<String> languages() {
        return languages;
    }

    public int eot() {
        return vocabSize - specialCount(languages.size());
    }

    public int sot() {
        return eot() + 1;
    }

    /** Id of {@code <|code|>}. */
    public int language(String code) {
        int i = languages.indexOf(code);
        if (i < 0) {
            throw new IllegalArgumentException("no language token <|" + code + "|>; the vocabulary has " + languages);
        }
        return eot() + 2 + i;
    }

    public int translate() {
        return eot() + 2 + languages.size();
    }

    public int transcribe() {
        return translate() + 1;
    }

    public int startOfLm() {
        return translate() + 2;
    }

    public int startOfPrev() {
        return translate() + 3;
    }

    public int noCaptions() {
        return translate() + 4;
    }

    public int noTimestamps() {
        return translate() + 5;
    }

    /** {@code timestamp_begin}: the id of {@code <|0.00|>}. */
    public int timestampBegin() {
        return noTimestamps() + 1;
    }

    /** The text of timestamp token {@code index} (0 to 1500): {@code <|0.00|>}, {@code <|0.02|>}, ... */
    public static String timestamp(int index) {
        return String.format(Locale.ROOT, "<|%.2f|>", index * TIMESTAMP_STEP);
    }

    /** Id of the byte token of {@code c} (an ASCII character). */
    public static int byteToken(char c) {
        if (c > 0x7f) {
            throw new IllegalArgumentException("not ASCII: " + c);
        }
        return c;
    }

    /** Every special token and its id, in id order. */
    public Map<String, Integer> specials() {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put(EOT, eot());
        out.put(SOT, sot());
        for (String code : languages) {
            out.put("<|" + code + "|>", language(code));
        }
        out.put(TRANSLATE, translate());
        out.put(TRANSCRIBE, transcribe());
        out.put(START_OF_LM, startOfLm());
        out.put(START_OF_PREV, startOfPrev());
        out.put(NO_CAPTIONS, noCaptions());
        out.put(NO_TIMESTAMPS, noTimestamps());
        for (int i = 0; i < TIMESTAMPS; i++) {
            out.put(timestamp(i), timestampBegin() + i);
        }
        return out;
    }

    /** The kit's byte-level BPE with these special tokens (no template: callers build the prompt). */
    public ByteLevelBpe tokenizer() {
        return new ByteLevelBpe(MERGES, specials(), null);
    }
}
