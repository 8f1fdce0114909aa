package dev.genloom.plugins.whisper.features;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.GenloomException;
import org.jtransforms.fft.FloatFFT_1D;

/**
 * Whisper's log-mel spectrogram, as the reference feature extractor computes it: the samples
 * padded with zeros (or trimmed) to the window ({@code n_samples}, 30 s), reflect-padded by
 * {@code n_fft / 2} on both sides, a periodic Hann window of {@code n_fft} every {@code hop_length}
 * samples, the power spectrum, Slaney-style mel filters (area-normalised triangles on the Slaney
 * mel scale from 0 Hz to half the sampling rate), {@code log10(max(mel, 1e-10))}, clamped to the
 * window's maximum minus 8, then {@code (x + 4) / 4}. The last STFT frame is dropped, leaving
 * {@code n_samples / hop_length} frames. Settings come from {@code preprocessor_config.json}.
 *
 * <p>Thread-safe: per-call scratch only; the FFT plan, window and filters are shared.
 */
public final class LogMel {

    private final int sampleRate;
    private final int nFft;
    private final int hop;
    private final int mels;
    private final int samplesPerWindow;
    private final int frames;
    private final float[] window;
    /** Per filter: the first FFT bin it covers and its weights from there. */
    private final int[] filterStart;
    private final float[][] filterWeights;
    private final FloatFFT_1D fft;

    private LogMel(int sampleRate, int nFft, int hop, int mels, int samplesPerWindow, double[][] filters) {
        this.sampleRate = sampleRate;
        this.nFft = nFft;
        this.hop = hop;
        this.mels = mels;
        this.samplesPerWindow = samplesPerWindow;
        this.frames = samplesPerWindow / hop;
        this.window = new float[nFft];
        for (int i = 0; i < nFft; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / nFft));
        }
        int bins = nFft / 2 + 1;
        filterStart = new int[mels];
        filterWeights = new float[mels][];
        for (int m = 0; m < mels; m++) {
            int first = 0;
            while (first < bins && filters[m][first] == 0) {
                first++;
            }
            int last = bins - 1;
            while (last >= first && filters[m][last] == 0) {
                last--;
            }
            filterStart[m] = Math.min(first, bins);
            float[] w = new float[Math.max(0, last - first + 1)];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) filters[m][first + k];
            }
            filterWeights[m] = w;
        }
        this.fft = new FloatFFT_1D(nFft);
    }

    /** Features with Whisper's settings: 16 kHz, n_fft 400, hop 160, 30-s windows, {@code mels} bins. */
    public static LogMel whisper(int mels) {
        return create(16000, 400, 160, mels, 480000);
    }

    /** Features with the given settings and filters computed from the Slaney formulas. */
    public static LogMel create(int sampleRate, int nFft, int hop, int mels, int samplesPerWindow) {
        check(sampleRate > 0 && nFft > 1 && nFft % 2 == 0 && hop > 0 && mels > 0 && samplesPerWindow >= hop,
                "log-mel settings must be positive, n_fft even (sampling_rate " + sampleRate + ", n_fft " + nFft + ", hop_length "
                        + hop + ", feature_size " + mels + ", n_samples " + samplesPerWindow + ")");
        return new LogMel(sampleRate, nFft, hop, mels, samplesPerWindow, slaneyFilters(sampleRate, nFft, mels));
    }

    /**
     * Features from a {@code preprocessor_config.json}: {@code feature_size}, {@code sampling_rate},
     * {@code hop_length}, {@code n_fft}, {@code n_samples} (or {@code chunk_length} seconds), with
     * Whisper's values where a key is absent; its {@code mel_filters} where it carries them.
     */
    public static LogMel from(JsonNode config) {
        int mels = config.path("feature_size").asInt(80);
        int rate = config.path("sampling_rate").asInt(16000);
        int hop = config.path("hop_length").asInt(160);
        int nFft = config.path("n_fft").asInt(400);
        int samples = config.has("n_samples") ? config.path("n_samples").asInt()
                : config.path("chunk_length").asInt(30) * rate;
        LogMel computed = create(rate, nFft, hop, mels, samples);
        JsonNode given = config.path("mel_filters");
        if (!given.isArray() || given.isEmpty()) {
            return computed;
        }
        int bins = nFft / 2 + 1;
        double[][] filters = new double[mels][bins];
        // stored as [bins][mels] by the reference extractor
        check(given.size() == bins && given.get(0).size() == mels, "preprocessor_config.json mel_filters is "
                + given.size() + " x " + given.get(0).size() + ", expected " + bins + " x " + mels
                + " (n_fft / 2 + 1 by feature_size)");
        for (int k = 0; k < bins; k++) {
            for (int m = 0; m < mels; m++) {
                filters[m][k] = given.get(k).get(m).asDouble();
            }
        }
        return new LogMel(rate, nFft, hop, mels, samples, filters);
    }

    /**
     * The Slaney mel filter bank: {@code mels} triangles between mel points evenly spaced on the
     * Slaney scale from 0 to {@code rate / 2}, evaluated at the FFT bin frequencies, each scaled by
     * {@code 2 / (upper − lower edge in Hz)}. Indexed [filter][bin].
     */
    public static double[][] slaneyFilters(int rate, int nFft, int mels) {
        int bins = nFft / 2 + 1;
        double maxMel = hzToMel(rate / 2.0);
        double[] hz = new double[mels + 2];
        for (int i = 0; i < hz.length; i++) {
            hz[i] = melToHz(maxMel * i / (mels + 1));
        }
        double[][] f = new double[mels][bins];
        for (int m = 0; m < mels; m++) {
            double lower = hz[m];
            double centre = hz[m + 1];
            double upper = hz[m + 2];
            double norm = 2.0 / (upper - lower);
            for (int k = 0; k < bins; k++) {
                double freq = (double) k * rate / nFft;
                double rising = (freq - lower) / (centre - lower);
                double falling = (upper - freq) / (upper - centre);
                f[m][k] = Math.max(0, Math.min(rising, falling)) * norm;
            }
        }
        return f;
    }

    /** Slaney's mel scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above. */
    public static double hzToMel(double hz) {
        if (hz < 1000) {
            return 3 * hz / 200;
        }
        return 15 + Math.log(hz / 1000) * 27 / Math.log(6.4);
    }

    public static double melToHz(double mel) {
        if (mel < 15) {
            return 200 * mel / 3;
        }
        return 1000 * Math.exp((mel - 15) * Math.log(6.4) / 27);
    }

    /**
     * The features of {@code length} samples from {@code offset} (zero-padded or trimmed to the
     * window): {@code mels * frames} floats, row-major by mel bin.
     */
    public float[] compute(float[] samples, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > samples.length) {
            throw new IllegalArgumentException("samples [" + offset + ", " + (offset + length) + ") outside 0.."
                    + samples.length);
        }
        int n = Math.min(length, samplesPerWindow);
        int pad = nFft / 2;
        // the window's samples, reflect-padded by n_fft / 2 on both sides
        float[] padded = new float[samplesPerWindow + 2 * pad];
        System.arraycopy(samples, offset, padded, pad, n);
        for (int i = 1; i <= pad; i++) {
            padded[pad - i] = padded[pad + i];
            padded[pad + samplesPerWindow - 1 + i] = padded[pad + samplesPerWindow - 1 - i];
        }
        int bins = nFft / 2 + 1;
        float[] frame = new float[nFft];
        float[] power = new float[bins];
        float[] out = new float[mels * frames];
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < frames; t++) {
            int start = t * hop;
            for (int i = 0; i < nFft; i++) {
                frame[i] = padded[start + i] * window[i];
            }
            fft.realForward(frame);
            // packed real FFT: [Re0, Re(n/2), Re1, Im1, ...] for even n
            power[0] = frame[0] * frame[0];
            if (nFft % 2 == 0) {
                power[bins - 1] = frame[1] * frame[1];
                for (int k = 1; k < bins - 1; k++) {
                    float re = frame[2 * k];
                    float im = frame[2 * k + 1];
                    power[k] = re * re + im * im;
                }
            } else {
                for (int k = 1; k < bins; k++) {
                    float re = frame[2 * k];
                    float im = k == bins - 1 ? frame[1] : frame[2 * k + 1];
                    power[k] = re * re + im * im;
                }
            }
            for (int m = 0; m < mels; m++) {
                float[] w = filterWeights[m];
                int s = filterStart[m];
                double sum = 0;
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * power[s + k];
                }
                float v = (float) Math.log10(Math.max(sum, 1e-10));
                out[m * frames + t] = v;
                max = Math.max(max, v);
            }
        }
        float floor = max - 8f;
        for (int i = 0; i < out.length; i++) {
            out[i] = (Math.max(out[i], floor) + 4f) / 4f;
        }
        return out;
    }

    public int mels() {
        return mels;
    }

    public int frames() {
        return frames;
    }

    public int hop() {
        return hop;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int nFft() {
        return nFft;
    }

    public int samplesPerWindow() {
        return samplesPerWindow;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw GenloomException.invalidInput(message, "keep the export's own preprocessor_config.json");
        }
    }
}
