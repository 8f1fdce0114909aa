package dev.genloom.plugins.diffusion.image;

import dev.genloom.api.GenloomException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a graph takes or gives for 8-bit samples: 0 maps to {@code lo}, 255 to {@code hi},
 * linearly. {@code [0, 1]} for most image exports (Real-ESRGAN, TAESD), {@code [0, 255]} for some
 * GAN upscalers, {@code [-1, 1]} for VAEs.
 *
 * @param lo the value of a 0 sample
 * @param hi the value of a 255 sample, above {@code lo}
 */
public record PixelRange(float lo, float hi) {
    /** The unit range, 0..1. */
    public static final PixelRange UNIT = new PixelRange(0f, 1f);
    /** The byte range, 0..255. */
    public static final PixelRange BYTES = new PixelRange(0f, 255f);

    private static final String NUMBER = "([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)";
    private static final Pattern RANGE = Pattern.compile("\\[?\\s*" + NUMBER + "\\s*(?:\\.\\.|,|\\s+to\\s+)\\s*"
            + NUMBER + "\\s*]?");

    /** Checks that the range is finite and not empty. */
    public PixelRange {
        GenloomException.require(Float.isFinite(lo) && Float.isFinite(hi) && hi > lo,
                "a pixel range needs lo < hi, got [" + lo + ", " + hi + "]");
    }

    /**
     * Reads a range from text: {@code 0..255}, {@code [0, 1]}, {@code -1..1}, {@code 0 to 1}; words
     * after it are ignored ({@code "0..255 RGB NCHW"}, as the {@code input_range} metadata of some
     * exports says).
     *
     * @param text  the text
     * @param where what the text is, for the error ({@code "load option 'input_range'"})
     * @throws GenloomException {@code INVALID_INPUT} where the text holds no range
     */
    public static PixelRange parse(String text, String where) {
        Matcher m = RANGE.matcher(text == null ? "" : text.strip());
        if (m.lookingAt()) {
            float lo = Float.parseFloat(m.group(1));
            float hi = Float.parseFloat(m.group(2));
            if (Float.isFinite(lo) && Float.isFinite(hi) && hi > lo) {
                return new PixelRange(lo, hi);
            }
        }
        throw GenloomException.invalidInput(where + " is \"" + text + "\", which is no pixel range",
                "write it as LO..HI, for example 0..1 or 0..255");
    }

    /** The value of an 8-bit sample (0..255). */
    public float value(int sample) {
        return lo + sample * ((hi - lo) / 255f);
    }

    /** The 8-bit sample of a value: scaled, clipped to 0..255 and rounded to the nearest. */
    public int sample(float value) {
        float v = (value - lo) * (255f / (hi - lo));
        return v <= 0f ? 0 : v >= 255f ? 255 : Math.round(v);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s..%s", trim(lo), trim(hi));
    }

    private static String trim(float v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Float.toString(v);
    }
}
