package dev.genloom.plugins.ocr;

/** Character error rate: the Levenshtein distance between two texts over the reference's length. */
final class Cer {
    private Cer() {
    }

    /** Insertions, deletions and substitutions (each 1) that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The rate of {@code read} against {@code reference}, line ends counted as spaces. */
    static double rate(String reference, String read) {
        String ref = reference.replace('\n', ' ');
        return (double) distance(ref, read.replace('\n', ' ')) / Math.max(1, ref.length());
    }
}
