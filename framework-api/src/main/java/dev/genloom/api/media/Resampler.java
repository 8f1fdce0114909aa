package dev.genloom.api.media;

import dev.genloom.api.GenloomException;

import java.util.Arrays;

/**
 * Band-limited sample-rate conversion: each output sample is a Kaiser-windowed sinc interpolation
 * of the input around its position. The low-pass sits at 94 % of the lower Nyquist frequency, with
 * 64 zero crossings on each side and a Kaiser window of beta 8.6 (about 85 dB of stop-band
 * rejection), so downsampling from 44.1 or 48 kHz to 16 kHz does not alias. For rates whose ratio
 * reduces to at most {@value #MAX_TABLE_PHASES} phases the filter taps are computed once per phase;
 * otherwise per output sample. Each phase's taps are normalised to sum to one (no DC ripple).
 */
public final class Resampler {

    static final int MAX_TABLE_PHASES = 4096;
    private static final int ZERO_CROSSINGS = 64;
    private static final double ROLLOFF = 0.94;
    private static final double BETA = 8.6;

    private final int from;
    private final int to;
    /** Output sample j sits at input position j * down / up. */
    private final int up;
    private final int down;
    private final double cutoff;
    private final int halfWidth;
    /** [phase][tap] where tables are used, else null. */
    private final float[][] table;

    private Resampler(int from, int to) {
        this.from = from;
        this.to = to;
        int g = gcd(from, to);
        this.up = to / g;
        this.down = from / g;
        this.cutoff = ROLLOFF * Math.min(1.0, (double) to / from);
        this.halfWidth = (int) Math.ceil(ZERO_CROSSINGS / cutoff);
        if (up <= MAX_TABLE_PHASES) {
            table = new float[up][];
            for (int p = 0; p < up; p++) {
                table[p] = taps((double) p / up);
            }
        } else {
            table = null;
        }
    }

    /** A resampler from one rate to another (both positive). */
    public static Resampler of(int fromRate, int toRate) {
        GenloomException.require(fromRate > 0 && toRate > 0,
                "sample rates must be positive, got " + fromRate + " -> " + toRate);
        return new Resampler(fromRate, toRate);
    }

    /** How many samples {@code frames} input samples become: {@code round(frames * to / from)}. */
    public long outputLength(long frames) {
        return Math.round((double) frames * to / from);
    }

    /** One channel, resampled (a copy where the rates are equal). */
    public float[] apply(float[] in) {
        if (from == to) {
            return in.clone();
        }
        int n = Math.toIntExact(outputLength(in.length));
        float[] out = new float[n];
        int width = 2 * halfWidth;
        for (int j = 0; j < n; j++) {
            long num = (long) j * down;
            long base = num / up;
            int phase = (int) (num % up);
            float[] h = table != null ? table[phase] : taps((double) phase / up);
            // taps k = 0 .. width-1 sit at input index base - halfWidth + 1 + k
            long first = base - halfWidth + 1;
            double acc = 0;
            int kStart = (int) Math.max(0, -first);
            int kEnd = (int) Math.min(width, in.length - first);
            for (int k = kStart; k < kEnd; k++) {
                acc += h[k] * in[(int) (first + k)];
            }
            out[j] = (float) acc;
        }
        return out;
    }

    /**
     * A resampler for one channel that takes its input a block at a time and gives exactly the
     * samples {@link #apply} gives for the whole input, holding only the filter's reach of input
     * (about {@code 2 * 64 / 0.94} samples) beyond what the caller has not drained.
     */
    public Streaming streaming() {
        return new Streaming();
    }

    /**
     * {@link #streaming()}: {@link #push} input, {@link #drain} the output that input makes
     * ready, {@link #finish} at the end of the input and drain the rest. Not thread-safe.
     */
    public final class Streaming {
        private float[] held = new float[Math.max(4096, 4 * halfWidth)];
        /** Absolute index of {@code held[0]} in the input. */
        private long heldStart;
        private int heldCount;
        /** The next output sample's index. */
        private long next;
        private boolean finished;
        private long totalOut = -1;

        private Streaming() {
        }

        /** Adds {@code length} input samples. */
        public void push(float[] input, int offset, int length) {
            GenloomException.require(!finished, "the resampler's input has already been finished");
            // drop what no output from `next` on reads
            long keepFrom = Math.max(0, (next * down) / up - halfWidth + 1);
            int drop = (int) Math.min(heldCount, Math.max(0, keepFrom - heldStart));
            if (drop > 0) {
                System.arraycopy(held, drop, held, 0, heldCount - drop);
                heldStart += drop;
                heldCount -= drop;
            }
            if (heldCount + length > held.length) {
                held = Arrays.copyOf(held, Math.max(heldCount + length, 2 * held.length));
            }
            System.arraycopy(input, offset, held, heldCount, length);
            heldCount += length;
        }

        /** Marks the end of the input: {@link #drain} then gives the last samples. */
        public void finish() {
            finished = true;
            totalOut = outputLength(heldStart + heldCount);
        }

        /**
         * Writes up to {@code max} output samples that the input so far makes ready into
         * {@code output} at {@code offset}.
         *
         * @return how many; 0 where more input is needed, or after the last sample
         */
        public int drain(float[] output, int offset, int max) {
            int width = 2 * halfWidth;
            long inEnd = heldStart + heldCount;
            int produced = 0;
            while (produced < max && (!finished || next < totalOut)) {
                long num = next * down;
                long base = num / up;
                int phase = (int) (num % up);
                long first = base - halfWidth + 1;
                if (!finished && first + width - 1 >= inEnd) {
                    break;
                }
                float[] h = table != null ? table[phase] : taps((double) phase / up);
                double acc = 0;
                int kStart = (int) Math.max(0, -first);
                int kEnd = (int) Math.min(width, inEnd - first);
                int at = (int) (first - heldStart);
                for (int k = kStart; k < kEnd; k++) {
                    acc += h[k] * held[at + k];
                }
                output[offset + produced++] = (float) acc;
                next++;
            }
            return produced;
        }
    }

    /** Taps for an output that falls {@code frac} (0..1) of an input sample after input index base. */
    private float[] taps(double frac) {
        int width = 2 * halfWidth;
        double[] h = new double[width];
        double sum = 0;
        for (int k = 0; k < width; k++) {
            double x = (k - halfWidth + 1) - frac; // distance in input samples from the output position
            double v = cutoff * sinc(cutoff * x) * kaiser(x / halfWidth);
            h[k] = v;
            sum += v;
        }
        float[] out = new float[width];
        for (int k = 0; k < width; k++) {
            out[k] = (float) (h[k] / sum);
        }
        return out;
    }

    private static double sinc(double x) {
        if (Math.abs(x) < 1e-12) {
            return 1;
        }
        return Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** Kaiser window at {@code t} in [-1, 1]; 0 outside. */
    private static double kaiser(double t) {
        if (t <= -1 || t >= 1) {
            return 0;
        }
        return besselI0(BETA * Math.sqrt(1 - t * t)) / besselI0(BETA);
    }

    /** The modified Bessel function of order zero, by its power series. */
    private static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 64; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
