package dev.genloom.plugins.tts;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Piper's mapping of a phoneme string to model ids through a voice's {@code phoneme_id_map}
 * (piper-phonemize {@code phonemes_to_ids} with its defaults: BOS, EOS and pad interspersed).
 *
 * <p>The phonemes are the Unicode code points of the string after canonical decomposition (NFD),
 * as Piper splits espeak-ng's IPA: {@code "ç"} is {@code "c"} then the combining cedilla. The ids
 * are:
 * <pre>
 * ids(^) ids(_)  ids(p1) ids(_)  ids(p2) ids(_)  ...  ids(pn) ids(_)  ids($)
 * </pre>
 * that is, the BOS {@code ^} ids and a pad, then for each phoneme its ids (a list: the map
 * gives each phoneme a list) followed by the pad {@code _} ids, then the EOS {@code $} ids, with
 * no pad after EOS. A phoneme missing from the map adds nothing, not even its pad, and is counted
 * in {@link Result#missing()} (phoneme to occurrences), which the caller reports.
 */
public final class PhonemeIds {
    public static final String PAD = "_";
    public static final String BOS = "^";
    public static final String EOS = "$";

    /** The ids, and the phonemes that were dropped with how often they occurred (first-seen order). */
    public record Result(long[] ids, Map<String, Integer> missing) {
    }

    private final Map<String, long[]> map;
    private final long[] pad;
    private final long[] bos;
    private final long[] eos;

    /** A mapping through {@code map}; it must hold {@code _}, {@code ^} and {@code $}. */
    public PhonemeIds(Map<String, long[]> map) {
        this.map = Map.copyOf(map);
        this.pad = required(PAD);
        this.bos = required(BOS);
        this.eos = required(EOS);
    }

    private long[] required(String symbol) {
        long[] ids = map.get(symbol);
        if (ids == null) {
            throw new IllegalArgumentException("phoneme_id_map has no \"" + symbol + "\"");
        }
        return ids;
    }

    /** The phonemes of a string: its code points after NFD. */
    public static List<String> phonemes(String phonemeString) {
        List<String> out = new ArrayList<>();
        Normalizer.normalize(phonemeString, Normalizer.Form.NFD).codePoints()
                .forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
    }

    /** The ids of {@code phonemeString}, BOS to EOS. */
    public Result ids(String phonemeString) {
        List<Long> out = new ArrayList<>();
        Map<String, Integer> missing = new LinkedHashMap<>();
        append(out, bos);
        append(out, pad);
        for (String p : phonemes(phonemeString)) {
            long[] ids = map.get(p);
            if (ids == null) {
                missing.merge(p, 1, Integer::sum);
                continue;
            }
            append(out, ids);
            append(out, pad);
        }
        append(out, eos);
        long[] ids = new long[out.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = out.get(i);
        }
        return new Result(ids, missing);
    }

    /** How many ids the string's mapped phonemes gave, BOS, EOS and pads left out. */
    public int phonemeCount(String phonemeString) {
        int n = 0;
        for (String p : phonemes(phonemeString)) {
            if (map.containsKey(p)) {
                n++;
            }
        }
        return n;
    }

    private static void append(List<Long> out, long[] ids) {
        for (long id : ids) {
            out.add(id);
        }
    }
}
