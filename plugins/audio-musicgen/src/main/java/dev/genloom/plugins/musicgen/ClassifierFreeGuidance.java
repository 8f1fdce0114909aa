package dev.genloom.plugins.musicgen;

import dev.genloom.api.GenloomException;

/**
 * MusicGen's classifier-free guidance on the decoder's logits, as transformers'
 * {@code ClassifierFreeGuidanceLogitsProcessor} does it: the decoder runs a doubled batch, the
 * conditional rows first (the text's encoder states) and the unconditional rows after them (zero
 * encoder states, zero mask), and each guided row is
 * {@code uncond + guidance_scale * (cond - uncond)}.
 *
 * <p>Example: conditional logits {@code [1, 2, 3]}, unconditional {@code [0.5, 0.5, 0.5]},
 * scale 3: {@code [0.5 + 3 * 0.5, 0.5 + 3 * 1.5, 0.5 + 3 * 2.5] = [2, 5, 8]}.
 */
public final class ClassifierFreeGuidance {

    private final double scale;

    /**
     * @param guidanceScale {@code guidance_scale} of the generation config; must exceed 1 (at 1
     *                      and below guidance is off, and no unconditional rows are run)
     */
    public ClassifierFreeGuidance(double guidanceScale) {
        if (!applies(guidanceScale)) {
            throw GenloomException.invalidInput("guidance scale " + guidanceScale + " does not use classifier-free guidance",
                    "give a guidance scale above 1, or generate without the unconditional rows");
        }
        this.scale = guidanceScale;
    }

    /** Whether a {@code guidance_scale} asks for guidance (above 1). */
    public static boolean applies(double guidanceScale) {
        return guidanceScale > 1;
    }

    public double scale() {
        return scale;
    }

    /**
     * Mixes {@code logits [2n, vocab]} (row-major, the {@code n} conditional rows then the
     * {@code n} unconditional ones) into {@code [n, vocab]}.
     */
    public float[] apply(float[] logits, int rows, int vocab) {
        GenloomException.require(rows > 0 && rows % 2 == 0,
                "classifier-free guidance needs an even number of logit rows (conditional, then unconditional), got " + rows);
        GenloomException.require(logits.length == (long) rows * vocab,
                "logits hold " + logits.length + " values, not " + rows + " rows of " + vocab);
        int half = rows / 2 * vocab;
        float[] out = new float[half];
        for (int i = 0; i < half; i++) {
            double cond = logits[i];
            double uncond = logits[half + i];
            out[i] = (float) (uncond + scale * (cond - uncond));
        }
        return out;
    }
}
