package dev.genloom.plugins.whisper.features;

/**
 * An independent, deliberately plain computation of Whisper's log-mel features for the tests,
 * written from the formulas alone: numpy-style reflect padding, a direct DFT in double precision,
 * the Slaney mel scale and its area-normalised triangles, log10, the clamp to max − 8 and
 * (x + 4) / 4. It shares no code with the production classes.
 */
final class ReferenceLogMel {

    private ReferenceLogMel() {
    }

    /** Slaney mel of a frequency: 3 f / 200 below 1 kHz, 15 + 27 log_6.4(f / 1000) above. */
    static double mel(double hz) {
        if (hz < 1000.0) {
            return hz * 3.0 / 200.0;
        }
        return 15.0 + 27.0 * (Math.log(hz / 1000.0) / Math.log(6.4));
    }

    /** Inverse of {@link #mel}: 200 m / 3 below 15 mels, 1000 × 6.4^((m − 15) / 27) above. */
    static double hz(double mel) {
        if (mel < 15.0) {
            return mel * 200.0 / 3.0;
        }
        return 1000.0 * Math.pow(6.4, (mel - 15.0) / 27.0);
    }

    /** The Slaney filter bank as [mels][nFft / 2 + 1], from 0 Hz to sr / 2. */
    static double[][] filters(int mels, int nFft, int sr) {
        double top = mel(sr / 2.0);
        double[] edges = new double[mels + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = hz(top * i / (mels + 1.0));
        }
        int bins = nFft / 2 + 1;
        double[][] bank = new double[mels][bins];
        for (int m = 0; m < mels; m++) {
            double lo = edges[m];
            double mid = edges[m + 1];
            double hi = edges[m + 2];
            double height = 2.0 / (hi - lo);
            for (int k = 0; k < bins; k++) {
                double f = k * (double) sr / nFft;
                double triangle;
                if (f <= lo || f >= hi) {
                    triangle = 0.0;
                } else if (f <= mid) {
                    triangle = (f - lo) / (mid - lo);
                } else {
                    triangle = (hi - f) / (hi - mid);
                }
                bank[m][k] = height * triangle;
            }
        }
        return bank;
    }

    /** The features as [mels][frames], computed with the given filters. */
    static double[][] logMel(float[] audio, double[][] bank, int nFft, int hop, int windowSamples) {
        int n = windowSamples;
        double[] x = new double[n];
        for (int i = 0; i < Math.min(n, audio.length); i++) {
            x[i] = audio[i];
        }
        int p = nFft / 2;
        double[] padded = new double[n + 2 * p];
        for (int i = 0; i < n; i++) {
            padded[p + i] = x[i];
        }
        for (int i = 1; i <= p; i++) {
            padded[p - i] = x[i];             // numpy "reflect": the edge sample is not repeated
            padded[p + n - 1 + i] = x[n - 1 - i];
        }
        int frames = 1 + (padded.length - nFft) / hop - 1; // centred STFT, last frame dropped
        int bins = nFft / 2 + 1;
        double[] window = new double[nFft];
        for (int i = 0; i < nFft; i++) {
            double s = Math.sin(Math.PI * i / nFft);   // periodic Hann: sin²(π i / N)
            window[i] = s * s;
        }
        double[][] cos = new double[bins][nFft];
        double[][] sin = new double[bins][nFft];
        for (int k = 0; k < bins; k++) {
            for (int i = 0; i < nFft; i++) {
                double angle = 2.0 * Math.PI * ((long) k * i % nFft) / nFft;
                cos[k][i] = Math.cos(angle);
                sin[k][i] = Math.sin(angle);
            }
        }
        int mels = bank.length;
        double[][] out = new double[mels][frames];
        double[] frame = new double[nFft];
        double[] power = new double[bins];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < nFft; i++) {
                frame[i] = padded[t * hop + i] * window[i];
            }
            for (int k = 0; k < bins; k++) {
                double re = 0.0;
                double im = 0.0;
                for (int i = 0; i < nFft; i++) {
                    re += frame[i] * cos[k][i];
                    im -= frame[i] * sin[k][i];
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < mels; m++) {
                double energy = 0.0;
                for (int k = 0; k < bins; k++) {
                    energy += bank[m][k] * power[k];
                }
                out[m][t] = Math.log10(energy < 1e-10 ? 1e-10 : energy);
                max = Math.max(max, out[m][t]);
            }
        }
        for (int m = 0; m < mels; m++) {
            for (int t = 0; t < frames; t++) {
                out[m][t] = (Math.max(out[m][t], max - 8.0) + 4.0) / 4.0;
            }
        }
        return out;
    }

    /** Whisper's settings: 16 kHz, n_fft 400, hop 160, 30-s windows. */
    static double[][] whisper(float[] audio, int mels) {
        return logMel(audio, filters(mels, 400, 16000), 400, 160, 480000);
    }
}
