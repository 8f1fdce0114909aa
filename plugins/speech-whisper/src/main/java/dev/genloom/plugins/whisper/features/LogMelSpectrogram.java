package dev.genloom.plugins.whisper.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Whisper's log-mel spectrogram of one window of audio, computed as Hugging Face's
 * {@code WhisperFeatureExtractor} computes it:
 * <ol>
 * <li>the samples are padded with zeros at the end, or trimmed, to {@code n_samples} (30 s);</li>
 * <li>a centred STFT: the window is reflect-padded by {@code n_fft / 2} on both sides, cut into
 * frames of {@code n_fft} samples every {@code hop_length}, each multiplied by a periodic Hann
 * window; the last frame is dropped, leaving {@code n_samples / hop_length} frames (3000);</li>
 * <li>the power spectrum {@code |X[k]|²} of each frame for {@code k = 0 .. n_fft / 2};</li>
 * <li>Slaney mel filters ({@link MelFilterBank}), or the {@code mel_filters} of the config;</li>
 * <li>{@code log10(max(mel, 1e-10))}, clamped from below to the window's maximum − 8 (the maximum
 * over the whole padded window), then {@code (x + 4) / 4}.</li>
 * </ol>
 * The result is {@code [mels, frames]} in row-major order: the layout of the encoder's
 * {@code input_features} of shape {@code [1, mels, frames]}.
 *
 * <p>Built once per model and reused for every window; immutable and safe to call from several
 * threads at once (each call has its own scratch). The FFT is JTransforms' mixed-radix real FFT in
 * double precision, as the reference computes it. Successive windows of one audio that overlap, as
 * Whisper's long-form transcription cuts them, are better served by {@link LogMelWindows}, which
 * gives the same features without computing the shared frames again.
 */
public final class LogMelSpectrogram {

    /** Floor of the mel energies before the logarithm. */
    static final double MEL_FLOOR = 1e-10;
    /** Dynamic range kept below the window's maximum, in log10 units. */
    static final double DYNAMIC_RANGE = 8.0;

    private final FeatureSettings settings;
    private final MelFilterBank filters;
    private final double[] window;
    private final DoubleFFT_1D fft;
    private final int frames;
    private final int nFft;
    private final int total;
    private final int mels;

    private LogMelSpectrogram(FeatureSettings settings, MelFilterBank filters) {
        this.settings = settings;
        this.filters = filters;
        int nFft = settings.nFft();
        this.window = new double[nFft];
        for (int i = 0; i < nFft; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / nFft);
        }
        this.fft = new DoubleFFT_1D(nFft);
        this.frames = settings.frames();
        this.nFft = nFft;
        this.total = settings.samplesPerWindow();
        this.mels = settings.melBins();
    }

    /** Features for the settings, with Slaney mel filters computed from them. */
    public static LogMelSpectrogram of(FeatureSettings settings) {
        return new LogMelSpectrogram(settings, MelFilterBank.forSettings(settings));
    }

    /** Features for the settings with the given filters; their shape must fit the settings. */
    public static LogMelSpectrogram of(FeatureSettings settings, MelFilterBank filters) {
        GenloomException.require(filters.mels() == settings.melBins() && filters.bins() == settings.frequencyBins(),
                "the mel filters are " + filters.mels() + " × " + filters.bins() + ", the settings need "
                        + settings.melBins() + " × " + settings.frequencyBins());
        return new LogMelSpectrogram(settings, filters);
    }

    /** Whisper's features (16 kHz, 30-s windows, 3000 frames) with 80 or 128 mel bins. */
    public static LogMelSpectrogram whisper(int melBins) {
        return of(FeatureSettings.whisper(melBins));
    }

    /**
     * Features as a parsed {@code preprocessor_config.json} describes them (see
     * {@link FeatureSettings#fromPreprocessorConfig}); its {@code mel_filters}, where present, are
     * used as they are, otherwise the filters are computed.
     *
     * @param source where the config came from, for error messages
     */
    public static LogMelSpectrogram fromPreprocessorConfig(JsonNode config, String source) {
        FeatureSettings settings = FeatureSettings.fromPreprocessorConfig(config, source);
        JsonNode melFilters = config.get("mel_filters");
        if (melFilters == null || melFilters.isNull()) {
            return of(settings);
        }
        return new LogMelSpectrogram(settings, MelFilterBank.fromJson(melFilters, settings.melBins(),
                settings.frequencyBins(), source));
    }

    /** Reads and parses a {@code preprocessor_config.json}; see {@link #fromPreprocessorConfig(JsonNode, String)}. */
    public static LogMelSpectrogram fromPreprocessorConfig(Path file) {
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "the preprocessor config " + file
                    + " is not valid JSON: " + e.getOriginalMessage(),
                    "check that the model folder holds a valid preprocessor_config.json", e);
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "preprocessor config", e);
        }
        return fromPreprocessorConfig(config, file.toString());
    }

    public FeatureSettings settings() {
        return settings;
    }

    public MelFilterBank filters() {
        return filters;
    }

    /** Mel bins: the rows of the features. */
    public int mels() {
        return settings.melBins();
    }

    /** Frames of one window: the columns of the features (3000 for Whisper). */
    public int frames() {
        return frames;
    }

    /** Samples in one window (480000 for Whisper); longer input is trimmed, shorter padded. */
    public int samplesPerWindow() {
        return settings.samplesPerWindow();
    }

    /** Samples between frames (160 for Whisper). */
    public int hopLength() {
        return settings.hopLength();
    }

    public int samplingRate() {
        return settings.samplingRate();
    }

    /** Floats in one window's features: {@code mels() × frames()}. */
    public int size() {
        return settings.melBins() * frames;
    }

    /**
     * Frames that carry audio when a window holds {@code length} samples:
     * {@code ceil(min(length, samplesPerWindow) / hop)}. The rest of the window is padding.
     */
    public int contentFrames(int length) {
        GenloomException.require(length >= 0, "audio length must not be negative, got " + length);
        int used = Math.min(length, settings.samplesPerWindow());
        int hop = settings.hopLength();
        return Math.min(frames, (int) (((long) used + hop - 1) / hop));
    }

    /** The features of a whole array; see {@link #compute(float[], int, int)}. */
    public float[] compute(float[] samples) {
        return compute(samples, 0, samples.length);
    }

    /**
     * The features of {@code samples[offset .. offset + length)}, mono at {@link #samplingRate()},
     * as a new {@code [mels, frames]} row-major array. Samples beyond one window are ignored.
     */
    public float[] compute(float[] samples, int offset, int length) {
        float[] out = new float[size()];
        computeInto(samples, offset, length, out, 0);
        return out;
    }

    /**
     * Writes the features of {@code samples[offset .. offset + length)} into {@code out} at its
     * position, which advances by {@link #size()}; for filling one row of a batch.
     */
    public void compute(float[] samples, int offset, int length, FloatBuffer out) {
        GenloomException.require(out != null, "the output buffer is null");
        int size = size();
        GenloomException.require(out.remaining() >= size,
                "the output buffer has room for " + out.remaining() + " floats, one window's features are "
                        + mels() + " × " + frames + " = " + size);
        if (out.hasArray() && !out.isReadOnly()) {
            computeInto(samples, offset, length, out.array(), out.arrayOffset() + out.position());
            out.position(out.position() + size);
        } else {
            out.put(compute(samples, offset, length));
        }
    }

    /** The features of one window, computed frame by frame, into {@code out[base .. base + size())}. */
    void computeInto(float[] samples, int offset, int length, float[] out, int base) {
        checkRange(samples, offset, length);
        final int used = Math.min(length, total);
        requireFinite(samples, offset, 0, used);
        final int pad = nFft / 2;
        final int hop = settings.hopLength();
        final Scratch scratch = new Scratch();
        double max = Double.NEGATIVE_INFINITY;

        for (int t = 0; t < frames; t++) {
            int start = t * hop - pad; // index of the frame's first sample in the unpadded window
            if (start >= used && start + nFft <= total) {
                // Only the zero padding after the audio: the spectrum is exactly zero.
                max = Math.max(max, silentFrame(out, base + t, frames));
                continue;
            }
            double frameMax = logMelFrame(samples, offset, used, start, scratch, out, base + t, frames);
            if (frameMax > max) {
                max = frameMax;
            }
        }
        normalise(out, base, base + mels * frames, max);
    }

    /** Checks that {@code samples[offset .. offset + length)} is a range of a non-null array. */
    static void checkRange(float[] samples, int offset, int length) {
        GenloomException.require(samples != null, "the audio samples are null");
        if (offset < 0 || length < 0 || offset > samples.length - length) {
            throw GenloomException.invalidInput("audio range [" + offset + ", " + offset + " + " + length
                    + ") is outside the array of " + samples.length + " samples");
        }
    }

    /**
     * Checks that samples {@code from .. to} of the window at {@code samples[offset]} are finite; the
     * message counts from the window's first sample.
     */
    static void requireFinite(float[] samples, int offset, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Float.isFinite(samples[offset + i])) {
                throw GenloomException.invalidInput("audio sample " + i + " is " + samples[offset + i]
                        + "; samples must be finite");
            }
        }
    }

    /** The buffers one frame is computed in; each thread (or each stream) has its own. */
    final class Scratch {
        final double[] frame = new double[nFft];
        final double[] power = new double[nFft / 2 + 1];
        final double[] mel = new double[mels];
    }

    /** The scratch one caller reuses for {@link #logMelFrame}. */
    Scratch scratch() {
        return new Scratch();
    }

    /**
     * Writes a frame of zeros, {@code log10(1e-10)} for every mel, to {@code out[at + m × stride]}
     * and returns that value: the frame lies in the zero padding after the audio.
     */
    double silentFrame(float[] out, int at, int stride) {
        final double silentLog = Math.log10(MEL_FLOOR);
        for (int m = 0; m < mels; m++) {
            out[at + m * stride] = (float) silentLog;
        }
        return silentLog;
    }

    /**
     * One STFT frame of a window: {@code log10(max(mel, 1e-10))} of each mel written, as a float, to
     * {@code out[at + m × stride]}; returns the largest of them (as a double, before the cast). The
     * window is {@code samples[offset .. offset + used)} followed by zeros up to one window's samples,
     * reflect-padded on both sides; the frame's first sample is {@code start} in it (negative in the
     * padding before it).
     */
    double logMelFrame(float[] samples, int offset, int used, int start, Scratch scratch, float[] out, int at,
                       int stride) {
        final int pad = nFft / 2;
        final double[] frame = scratch.frame;
        final double[] power = scratch.power;
        final double[] mel = scratch.mel;
        if (start >= 0 && start + nFft <= used) {
            int from = offset + start;
            for (int i = 0; i < nFft; i++) {
                frame[i] = window[i] * samples[from + i];
            }
        } else {
            for (int i = 0; i < nFft; i++) {
                frame[i] = window[i] * sample(samples, offset, used, total, start + i);
            }
        }
        fft.realForward(frame);
        // JTransforms' packing for even n: [Re 0, Re n/2, Re 1, Im 1, Re 2, Im 2, ...].
        power[0] = frame[0] * frame[0];
        power[pad] = frame[1] * frame[1];
        for (int k = 1; k < pad; k++) {
            double re = frame[2 * k];
            double im = frame[2 * k + 1];
            power[k] = re * re + im * im;
        }
        filters.apply(power, mel);
        double max = Double.NEGATIVE_INFINITY;
        for (int m = 0; m < mels; m++) {
            double log = Math.log10(Math.max(mel[m], MEL_FLOOR));
            out[at + m * stride] = (float) log;
            if (log > max) {
                max = log;
            }
        }
        return max;
    }

    /**
     * Whisper's normalisation of a window's logs {@code out[from .. to)} in place: clamped from below
     * to {@code max − 8} (the window's largest log), then {@code (x + 4) / 4}.
     */
    static void normalise(float[] out, int from, int to, double max) {
        final float floor = (float) (max - DYNAMIC_RANGE);
        for (int i = from; i < to; i++) {
            out[i] = (Math.max(out[i], floor) + 4.0f) / 4.0f;
        }
    }

    /**
     * Sample {@code j} of the window reflect-padded on both sides: the window is the first
     * {@code used} samples followed by zeros up to {@code total}; {@code -j} mirrors the start and
     * {@code 2 (total − 1) − j} the end, without repeating the edge sample (numpy's "reflect").
     */
    private static float sample(float[] samples, int offset, int used, int total, int j) {
        if (j < 0) {
            j = -j;
        } else if (j >= total) {
            j = 2 * (total - 1) - j;
        }
        return j < used ? samples[offset + j] : 0.0f;
    }

    @Override
    public String toString() {
        return "LogMelSpectrogram[" + settings + "]";
    }
}
