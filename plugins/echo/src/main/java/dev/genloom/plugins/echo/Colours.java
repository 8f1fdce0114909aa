package dev.genloom.plugins.echo;

import java.util.Locale;

/** The colour words the echo models understand, and their RGB values. */
final class Colours {
    static final String[] NAMES = {"red", "green", "blue", "yellow", "orange", "purple", "cyan", "magenta",
        "white", "black", "gray", "brown", "pink"};
    static final int[][] RGB = {{220, 40, 40}, {40, 180, 60}, {40, 80, 220}, {240, 220, 40}, {240, 140, 30},
        {140, 60, 180}, {40, 200, 220}, {220, 50, 200}, {245, 245, 245}, {15, 15, 15}, {128, 128, 128},
        {130, 80, 40}, {250, 170, 190}};

    private Colours() {
    }

    /** The index of the first colour word in a text, or -1. */
    static int find(String text) {
        int best = -1;
        int bestAt = Integer.MAX_VALUE;
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < NAMES.length; i++) {
            int at = indexOfWord(lower, NAMES[i]);
            if (at >= 0 && at < bestAt) {
                best = i;
                bestAt = at;
            }
        }
        return best;
    }

    static boolean mentions(String text, int colour) {
        return indexOfWord(text.toLowerCase(Locale.ROOT), NAMES[colour]) >= 0;
    }

    /** The colour nearest to an RGB value. */
    static int nearest(double r, double g, double b) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int i = 0; i < RGB.length; i++) {
            double d = distance(i, r, g, b);
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    static double distance(int colour, double r, double g, double b) {
        double dr = RGB[colour][0] - r;
        double dg = RGB[colour][1] - g;
        double db = RGB[colour][2] - b;
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    private static int indexOfWord(String text, String word) {
        int from = 0;
        while (true) {
            int at = text.indexOf(word, from);
            if (at < 0) {
                return -1;
            }
            int end = at + word.length();
            boolean startOk = at == 0 || !Character.isLetter(text.charAt(at - 1));
            boolean endOk = end == text.length() || !Character.isLetter(text.charAt(end));
            if (startOk && endOk) {
                return at;
            }
            from = at + 1;
        }
    }
}
