package dev.genloom.api.media;

import dev.genloom.api.GenloomException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Changes the sample rate of float PCM by band-limited interpolation: a Kaiser-windowed sinc
 * low-pass filter applied in polyphase form.
 *
 * <p>The ratio {@code target / source} is reduced to {@code L / M}; output sample {@code n} lies
 * at input position {@code n * M / L}, whose fractional part is one of {@code L} phases. Each
 * phase has its own precomputed row of filter taps (normalised to unit gain at DC), so the work
 * per output sample is one dot product. Where {@code L} is larger than {@value #MAX_PHASES}
 * (unusual rate pairs), rows are computed at {@value #MAX_PHASES} evenly spaced phases and
 * interpolated linearly between the two nearest.
 *
 * <p>The filter's cutoff lies at {@value #CUTOFF} of the lower of the two Nyquist frequencies,
 * its window spans {@value #ZERO_CROSSINGS} zero crossings of the sinc each side (at the lower
 * rate), and the Kaiser window has beta {@value #BETA} (about 85 dB of stop-band attenuation).
 * So content above the target's Nyquist frequency is removed rather than folded back (no
 * aliasing when going down, no images when going up); the pass band is flat to well within
 * 0.1 % up to about 80 % of that Nyquist frequency. The signal is taken as silent before its
 * first and after its last sample. Equal rates copy the samples unchanged.
 *
 * <p>Instances are immutable and safe to share between threads; {@link #of} keeps the last few
 * used.
 */
public final class Resampler {
    /** Zero crossings of the sinc on each side of the centre, counted at the lower rate. */
    static final int ZERO_CROSSINGS = 32;
    /** The cutoff as a fraction of the lower Nyquist frequency. */
    static final double CUTOFF = 0.91;
    /** Kaiser window shape: beta = 0.1102 (A - 8.7) for A of about 85 dB. */
    static final double BETA = 8.4;
    /** The most phases given a row of their own; beyond, rows are interpolated. */
    static final int MAX_PHASES = 4096;

    private static final int CACHE_SIZE = 16;
    private static final Map<Long, Resampler> CACHE = new ConcurrentHashMap<>();

    private final int sourceRate;
    private final int targetRate;
    /** target / source = up / down, in lowest terms. */
    private final int up;
    private final int down;
    /** Rows of the table: {@code up} (exact) or {@code MAX_PHASES + 1} (interpolated). */
    private final int rows;
    private final boolean exact;
    /** Taps per row. */
    private final int taps;
    /** Input samples before the position's integer part that the first tap reads. */
    private final int before;
    /** rows x taps, row-major. */
    private final float[] table;

    private Resampler(int sourceRate, int targetRate) {
        this.sourceRate = sourceRate;
        this.targetRate = targetRate;
        int g = gcd(sourceRate, targetRate);
        this.up = targetRate / g;
        this.down = sourceRate / g;
        this.exact = up <= MAX_PHASES;
        this.rows = exact ? up : MAX_PHASES + 1;
        // The kernel in input samples: scaled by rho = min(1, target/source) when going down.
        double rho = Math.min(1.0, (double) targetRate / sourceRate);
        double halfWidth = ZERO_CROSSINGS / rho;
        int k = (int) Math.floor(halfWidth) + 1;
        this.before = k - 1;
        this.taps = 2 * k;
        this.table = new float[rows * taps];
        double fc = CUTOFF * rho; // cycles per input sample, as a fraction of the input Nyquist
        double i0Beta = besselI0(BETA);
        double[] row = new double[taps];
        int phases = exact ? up : MAX_PHASES;
        for (int r = 0; r < rows; r++) {
            double frac = (double) r / phases;
            double sum = 0;
            for (int j = 0; j < taps; j++) {
                // tap j reads input sample (i - before + j); its distance from the position i + frac:
                double t = frac - (j - before);
                double v = 0;
                if (Math.abs(t) < halfWidth) {
                    double x = t / halfWidth;
                    double window = besselI0(BETA * Math.sqrt(1 - x * x)) / i0Beta;
                    v = fc * sinc(fc * t) * window;
                }
                row[j] = v;
                sum += v;
            }
            for (int j = 0; j < taps; j++) {
                table[r * taps + j] = (float) (row[j] / sum);
            }
        }
    }

    /** A resampler between two rates (shared: the tables of recently used pairs are kept). */
    public static Resampler of(int sourceRate, int targetRate) {
        GenloomException.require(sourceRate > 0, "source sample rate must be positive, got " + sourceRate);
        GenloomException.require(targetRate > 0, "target sample rate must be positive, got " + targetRate);
        long key = (long) sourceRate << 32 | targetRate;
        Resampler r = CACHE.get(key);
        if (r == null) {
            r = new Resampler(sourceRate, targetRate);
            if (CACHE.size() >= CACHE_SIZE) {
                CACHE.clear();
            }
            CACHE.put(key, r);
        }
        return r;
    }

    public int sourceRate() {
        return sourceRate;
    }

    public int targetRate() {
        return targetRate;
    }

    /** Frames that {@code frames} input frames become: {@code round(frames * target / source)}. */
    public long outputFrames(long frames) {
        return outputFrames(frames, sourceRate, targetRate);
    }

    /** Frames that {@code frames} at {@code sourceRate} become at {@code targetRate}, rounded. */
    public static long outputFrames(long frames, int sourceRate, int targetRate) {
        int g = gcd(sourceRate, targetRate);
        long up = targetRate / g;
        long down = sourceRate / g;
        return Math.floorDiv(Math.multiplyExact(frames, up) + down / 2, down);
    }

    /** Resamples one channel. */
    public float[] resample(float[] samples) {
        return resample(samples, 1);
    }

    /** Resamples interleaved samples of {@code channels} channels; the result is interleaved too. */
    public float[] resample(float[] samples, int channels) {
        GenloomException.require(channels > 0, "channel count must be positive, got " + channels);
        GenloomException.require(samples.length % channels == 0,
                samples.length + " samples do not divide into " + channels + " channels");
        int frames = samples.length / channels;
        long outFrames = outputFrames(frames);
        GenloomException.require(outFrames * channels <= Integer.MAX_VALUE - 16,
                "resampling " + frames + " frames from " + sourceRate + " to " + targetRate
                        + " Hz gives more samples than one array holds");
        int n = (int) outFrames;
        if (sourceRate == targetRate) {
            return samples.clone();
        }
        float[] out = new float[n * channels];
        // Each channel is copied once into a zero-padded line, so the inner loop needs no bounds checks.
        int pad = taps + 1;
        float[] line = new float[frames + 2 * pad];
        for (int c = 0; c < channels; c++) {
            if (channels == 1) {
                System.arraycopy(samples, 0, line, pad, frames);
            } else {
                for (int f = 0; f < frames; f++) {
                    line[pad + f] = samples[f * channels + c];
                }
            }
            if (exact) {
                resampleExact(line, pad, out, c, channels, n);
            } else {
                resampleInterpolated(line, pad, out, c, channels, n);
            }
        }
        return out;
    }

    private void resampleExact(float[] line, int pad, float[] out, int c, int channels, int n) {
        float[] t = table;
        int width = taps;
        // The position o * down / up, tracked as its integer part i and its phase p (the remainder).
        int i = 0;
        int p = 0;
        for (int o = 0; o < n; o++) {
            int start = pad + i - before;
            int rowStart = p * width;
            float a0 = 0, a1 = 0;
            int j = 0;
            for (; j + 1 < width; j += 2) {
                a0 += t[rowStart + j] * line[start + j];
                a1 += t[rowStart + j + 1] * line[start + j + 1];
            }
            for (; j < width; j++) {
                a0 += t[rowStart + j] * line[start + j];
            }
            out[o * channels + c] = a0 + a1;
            p += down;
            if (p >= up) {
                i += p / up;
                p %= up;
            }
        }
    }

    private void resampleInterpolated(float[] line, int pad, float[] out, int c, int channels, int n) {
        float[] t = table;
        int width = taps;
        for (int o = 0; o < n; o++) {
            long num = (long) o * down;
            int i = (int) (num / up);
            double phase = (double) (num % up) / up * MAX_PHASES;
            int r = (int) phase;
            float w1 = (float) (phase - r);
            float w0 = 1 - w1;
            int start = pad + i - before;
            int row0 = r * width;
            int row1 = row0 + width;
            float acc = 0;
            for (int j = 0; j < width; j++) {
                acc += (w0 * t[row0 + j] + w1 * t[row1 + j]) * line[start + j];
            }
            out[o * channels + c] = acc;
        }
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** The modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double half = x / 2;
        for (int k = 1; k < 200; k++) {
            term *= half / k;
            double t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17) {
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

    @Override
    public String toString() {
        return "Resampler[" + sourceRate + " -> " + targetRate + " Hz, " + rows + " phases x " + taps + " taps]";
    }
}
