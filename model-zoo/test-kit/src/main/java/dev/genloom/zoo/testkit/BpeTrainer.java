package dev.genloom.zoo.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Learns byte-pair-encoding merges from a word list, deterministically (ties go to the first pair in order). */
public final class BpeTrainer {
    private BpeTrainer() {
    }

    /**
     * The first {@code count} merges: repeatedly the most frequent adjacent pair of symbols whose
     * merged token is not a token yet.
     *
     * @param words    each word as its symbols; changed in place as merges apply
     * @param freqs    how often each word occurs
     * @param alphabet the tokens there are before any merge
     */
    public static List<String> learn(List<List<String>> words, List<Integer> freqs, Set<String> alphabet, int count) {
        List<String> merges = new ArrayList<>();
        Set<String> tokens = new HashSet<>(alphabet);
        while (merges.size() < count) {
            Map<String, Integer> pairs = new TreeMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairs.merge(s.get(i) + " " + s.get(i + 1), freqs.get(w), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : pairs.entrySet()) {
                if (e.getValue() > bestCount && !tokens.contains(e.getKey().replace(" ", ""))) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("the corpus allows only " + merges.size() + " merges, not " + count);
            }
            merges.add(best);
            tokens.add(best.replace(" ", ""));
            String left = best.substring(0, best.indexOf(' '));
            String right = best.substring(best.indexOf(' ') + 1);
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(left) && s.get(i + 1).equals(right)) {
                        s.set(i, left + right);
                        s.remove(i + 1);
                    }
                }
            }
        }
        return Collections.unmodifiableList(merges);
    }
}
