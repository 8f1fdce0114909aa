package dev.genloom.plugins.whisper.features;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.GenloomException;

/**
 * A bank of mel filters over the bins of a one-sided power spectrum, stored sparsely: each filter
 * keeps only the weights from its first to its last non-zero bin. Immutable and thread-safe.
 */
public final class MelFilterBank {

    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = 15.0;
    private static final double LOG_STEP = 27.0 / Math.log(6.4);

    private final int mels;
    private final int bins;
    private final int[] firstBin;
    /** Weights of filter m are weights[offset[m] .. offset[m + 1]), for bins firstBin[m] on. */
    private final int[] offset;
    private final double[] weights;

    private MelFilterBank(double[][] dense) {
        this.mels = dense.length;
        this.bins = dense[0].length;
        this.firstBin = new int[mels];
        this.offset = new int[mels + 1];
        int total = 0;
        int[] lastBin = new int[mels];
        for (int m = 0; m < mels; m++) {
            int first = 0;
            while (first < bins && dense[m][first] == 0.0) {
                first++;
            }
            int last = bins - 1;
            while (last >= first && dense[m][last] == 0.0) {
                last--;
            }
            firstBin[m] = first;
            lastBin[m] = last;
            total += Math.max(0, last - first + 1);
        }
        this.weights = new double[total];
        int at = 0;
        for (int m = 0; m < mels; m++) {
            offset[m] = at;
            for (int k = firstBin[m]; k <= lastBin[m]; k++) {
                weights[at++] = dense[m][k];
            }
        }
        offset[mels] = at;
    }

    /**
     * Slaney-style mel filters as librosa and Hugging Face make them for Whisper: mel points
     * spaced evenly on the Slaney mel scale from {@code fMin} to {@code fMax}, triangular filters
     * between neighbouring points evaluated at the FFT bin frequencies {@code k × sr / nFft}, each
     * scaled by {@code 2 / (f[m + 2] − f[m])} so that its area over hertz is one.
     */
    public static MelFilterBank slaney(int mels, int nFft, int samplingRate, double fMin, double fMax) {
        GenloomException.require(mels > 0, "mel filters: the number of filters must be positive, got " + mels);
        GenloomException.require(nFft >= 2 && nFft % 2 == 0, "mel filters: n_fft must be even, got " + nFft);
        GenloomException.require(samplingRate > 0, "mel filters: sampling rate must be positive, got " + samplingRate);
        GenloomException.require(fMin >= 0 && fMin < fMax,
                "mel filters: need 0 <= fMin < fMax, got " + fMin + " and " + fMax);
        int bins = nFft / 2 + 1;
        double melMin = hzToMel(fMin);
        double melMax = hzToMel(fMax);
        double[] points = new double[mels + 2];
        for (int i = 0; i < points.length; i++) {
            points[i] = melToHz(melMin + (melMax - melMin) * i / (mels + 1));
        }
        double[][] dense = new double[mels][bins];
        for (int m = 0; m < mels; m++) {
            double lower = points[m];
            double centre = points[m + 1];
            double upper = points[m + 2];
            double norm = 2.0 / (upper - lower);
            for (int k = 0; k < bins; k++) {
                double f = (double) k * samplingRate / nFft;
                double rising = (f - lower) / (centre - lower);
                double falling = (upper - f) / (upper - centre);
                dense[m][k] = Math.max(0.0, Math.min(rising, falling)) * norm;
            }
        }
        return new MelFilterBank(dense);
    }

    /** Whisper's filters for the settings: Slaney, from 0 Hz to half the sampling rate. */
    public static MelFilterBank forSettings(FeatureSettings settings) {
        return slaney(settings.melBins(), settings.nFft(), settings.samplingRate(), 0.0,
                settings.samplingRate() / 2.0);
    }

    /**
     * Filters given as a dense matrix, either {@code [mels][bins]} (openai-whisper's
     * {@code mel_filters.npz} and older Hugging Face configs) or {@code [bins][mels]} (Hugging Face's
     * {@code mel_filter_bank}); a square matrix is read as {@code [mels][bins]}.
     *
     * @param source where the matrix came from, for error messages
     */
    public static MelFilterBank fromMatrix(double[][] matrix, int mels, int bins, String source) {
        GenloomException.require(matrix != null && matrix.length > 0, source + ": the mel filter matrix is empty");
        int rows = matrix.length;
        int cols = matrix[0].length;
        for (int r = 0; r < rows; r++) {
            GenloomException.require(matrix[r].length == cols,
                    source + ": the mel filter matrix is ragged: row " + r + " has " + matrix[r].length
                            + " values, row 0 has " + cols);
        }
        double[][] dense;
        if (rows == mels && cols == bins) {
            dense = new double[mels][];
            for (int m = 0; m < mels; m++) {
                dense[m] = matrix[m].clone();
            }
        } else if (rows == bins && cols == mels) {
            dense = new double[mels][bins];
            for (int k = 0; k < bins; k++) {
                for (int m = 0; m < mels; m++) {
                    dense[m][k] = matrix[k][m];
                }
            }
        } else {
            throw GenloomException.invalidInput(source + ": the mel filter matrix is " + rows + " × " + cols
                    + ", expected " + mels + " × " + bins + " (feature_size × (n_fft / 2 + 1)) or its transpose");
        }
        for (int m = 0; m < mels; m++) {
            for (int k = 0; k < bins; k++) {
                double w = dense[m][k];
                GenloomException.require(Double.isFinite(w) && w >= 0.0,
                        source + ": mel filter " + m + " has weight " + w + " at bin " + k
                                + "; weights must be finite and non-negative");
            }
        }
        return new MelFilterBank(dense);
    }

    /** Reads a {@code mel_filters} array of arrays from JSON; see {@link #fromMatrix}. */
    public static MelFilterBank fromJson(JsonNode node, int mels, int bins, String source) {
        GenloomException.require(node != null && node.isArray() && node.size() > 0,
                source + ": \"mel_filters\" must be a non-empty array of arrays of numbers");
        double[][] matrix = new double[node.size()][];
        for (int r = 0; r < matrix.length; r++) {
            JsonNode row = node.get(r);
            GenloomException.require(row.isArray(),
                    source + ": \"mel_filters\" row " + r + " is not an array of numbers");
            matrix[r] = new double[row.size()];
            for (int c = 0; c < matrix[r].length; c++) {
                JsonNode value = row.get(c);
                GenloomException.require(value.isNumber(),
                        source + ": \"mel_filters\"[" + r + "][" + c + "] is not a number: " + value);
                matrix[r][c] = value.doubleValue();
            }
        }
        return fromMatrix(matrix, mels, bins, source);
    }

    /** Hertz to mels on the Slaney scale: linear below 1 kHz, logarithmic above. */
    public static double hzToMel(double hz) {
        return hz < MIN_LOG_HZ ? 3.0 * hz / 200.0 : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) * LOG_STEP;
    }

    /** Mels to hertz on the Slaney scale, the inverse of {@link #hzToMel}. */
    public static double melToHz(double mel) {
        return mel < MIN_LOG_MEL ? 200.0 * mel / 3.0 : MIN_LOG_HZ * Math.exp((mel - MIN_LOG_MEL) / LOG_STEP);
    }

    public int mels() {
        return mels;
    }

    public int bins() {
        return bins;
    }

    /** First bin where filter {@code m} is non-zero ({@code bins()} for an all-zero filter). */
    public int firstBin(int m) {
        return firstBin[m];
    }

    /** One past the last bin where filter {@code m} is non-zero. */
    public int endBin(int m) {
        return firstBin[m] + offset[m + 1] - offset[m];
    }

    /** Filter {@code m} over all bins, as a new array. */
    public double[] filter(int m) {
        double[] dense = new double[bins];
        System.arraycopy(weights, offset[m], dense, firstBin[m], offset[m + 1] - offset[m]);
        return dense;
    }

    /** {@code out[m] = Σ_k filter_m[k] × power[k]} for every filter. */
    void apply(double[] power, double[] out) {
        for (int m = 0; m < mels; m++) {
            int k = firstBin[m];
            double sum = 0.0;
            for (int i = offset[m], end = offset[m + 1]; i < end; i++) {
                sum += weights[i] * power[k++];
            }
            out[m] = sum;
        }
    }

    @Override
    public String toString() {
        return "MelFilterBank[" + mels + " filters × " + bins + " bins, " + weights.length + " weights]";
    }
}
