package dev.genloom.plugins.ocr.recognize;

/**
 * Greedy CTC decoding, as PaddleOCR's {@code CTCLabelDecode}: the most probable class at each
 * time step, repeats merged, blanks (class 0) dropped; the confidence is the mean of the kept
 * steps' probabilities (0 where nothing is kept).
 */
public final class CtcDecoder {
    private final String[] classes;

    /** A decoder for these classes' texts; class 0 is the blank. */
    public CtcDecoder(String[] classes) {
        this.classes = classes.clone();
    }

    /** How many classes. */
    public int classes() {
        return classes.length;
    }

    /** A line's text and confidence. */
    public record Decoded(String text, double confidence) {
    }

    /**
     * Decodes the steps of one line: {@code probabilities[offset + t * classes + c]} for step
     * {@code t} below {@code steps}.
     */
    public Decoded decode(float[] probabilities, int offset, int steps) {
        int n = classes.length;
        StringBuilder text = new StringBuilder();
        double sum = 0;
        int kept = 0;
        int previous = -1;
        for (int t = 0; t < steps; t++) {
            int base = offset + t * n;
            int best = 0;
            float max = probabilities[base];
            for (int c = 1; c < n; c++) {
                if (probabilities[base + c] > max) {
                    max = probabilities[base + c];
                    best = c;
                }
            }
            if (best != 0 && best != previous) {
                text.append(classes[best]);
                sum += max;
                kept++;
            }
            previous = best;
        }
        return new Decoded(text.toString(), kept == 0 ? 0 : Math.min(1, Math.max(0, sum / kept)));
    }
}
