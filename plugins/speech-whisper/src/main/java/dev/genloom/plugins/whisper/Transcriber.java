package dev.genloom.plugins.whisper;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Segment;
import dev.genloom.api.SegmentListener;
import dev.genloom.plugins.whisper.features.LogMelSpectrogram;
import dev.genloom.plugins.whisper.features.LogMelWindows;
import dev.genloom.spi.Tokenizer;
import dev.genloom.spi.onnx.Tensors;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.zip.Deflater;
import dev.genloom.api.Transcript;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Speech at 16 kHz into text, window after window. Audio of one window without timestamps is
 * decoded once with {@code <|notimestamps|>}. Otherwise (timestamps asked, or audio longer than a
 * window) every window is decoded with timestamps and the next window starts at the last complete
 * timestamp, so a word cut by the window's end is decoded again, whole, in the next one; a window
 * whose text ends with a lone timestamp was used up and the next starts after it.
 *
 * <p>Guards: a window quieter than {@link #SILENCE_RMS} is skipped without running the model; a
 * window the model itself calls silent ({@code <|nospeech|>} above 0.6 and average log-probability
 * below -1, Whisper's thresholds) gives no text; a decoding that loops (text whose deflate
 * compression ratio exceeds 2.4, or no end token within the token budget) is decoded again at
 * rising temperatures 0.2 ... 1.0 (seeded), keeping the least repetitive attempt.
 *
 * <p>Windows that overlap share their features: each call keeps the log-mel frames of the current
 * window ({@link LogMelWindows}), so every frame of the audio is computed once, besides the few at a
 * window's edges that read its reflect padding.
 */
final class Transcriber {

    /** Root-mean-square level below which a window is taken as silence (-60 dBFS). */
    static final double SILENCE_RMS = 1e-3;
    static final double COMPRESSION_RATIO_LIMIT = 2.4;
    static final double NO_SPEECH_THRESHOLD = 0.6;
    static final double LOGPROB_THRESHOLD = -1.0;
    static final double[] FALLBACK_TEMPERATURES = {0.2, 0.4, 0.6, 0.8, 1.0};

    /** What a call asks for. */
    record Request(String language, boolean translate, boolean timestamps, int beams) {
    }

    /** The outcome: text, language and segments (segments always; the model drops them if not asked). */
    record Outcome(String text, String language, List<Segment> segments, Clock clock) {
    }

    /** Time and work counted over one call. */
    static final class Clock {
        int windows;
        int tokens;
        long featureNanos;
        /** STFT frames computed for the features (each frame of the audio once, plus the windows' edge frames). */
        long featureFrames;
        long encoderNanos;
        long decoderNanos;

        void add(Clock other) {
            windows += other.windows;
            tokens += other.tokens;
            featureNanos += other.featureNanos;
            featureFrames += other.featureFrames;
            encoderNanos += other.encoderNanos;
            decoderNanos += other.decoderNanos;
        }

        Transcript.Timings timings() {
            return new Transcript.Timings(windows, tokens, featureNanos, encoderNanos, decoderNanos);
        }
    }

    private final WhisperGraph graph;
    private final OrtEnvironment env;
    private final WhisperTokens tokens;
    private final Tokenizer tokenizer;
    private final LogMelSpectrogram features;
    private final WindowDecoder decoder;
    private final int maxTokens;

    /** Sees every window's decoded tokens (tests check the timestamp rules on them). */
    volatile Consumer<long[]> windowObserver = t -> { };

    /**
     * Test-only: every window's features computed on their own, the frames windows share computed
     * again, as before {@link LogMelWindows}; for measuring the cache and checking against it.
     */
    volatile boolean featuresPerWindow;

    Transcriber(WhisperGraph graph, OrtEnvironment env, WhisperTokens tokens, Tokenizer tokenizer, LogMelSpectrogram features,
                int maxTargetPositions, boolean cache) {
        this.graph = graph;
        this.env = env;
        this.tokens = tokens;
        this.tokenizer = tokenizer;
        this.features = features;
        this.decoder = new WindowDecoder(graph, env, tokens, cache);
        this.maxTokens = Math.max(1, maxTargetPositions / 2);
    }

    /**
     * Transcribes {@code samples} (mono, at the features' rate). Segment times are mapped through
     * {@code toOriginal} (seconds in {@code samples} to seconds in the caller's audio) before they
     * reach the listener and the outcome.
     */
    Outcome transcribe(float[] samples, Request request, SegmentListener listener, DoubleUnaryOperator toOriginal) {
        return transcribe(SampleWindow.of(samples), request, listener, toOriginal);
    }

    /**
     * Transcribes the samples of {@code source} (mono, at the features' rate) as they are read:
     * it holds one window and a sample past it, so that whether the audio is longer than one
     * window, and where it ends, is known as soon as it matters, and nothing before the window.
     */
    Outcome transcribe(SampleWindow source, Request request, SegmentListener listener, DoubleUnaryOperator toOriginal) {
        String language = request.language();
        int hop = features.hopLength();
        int rate = features.samplingRate();
        int windowSamples = features.samplesPerWindow();
        source.fill(0, windowSamples + 1L);
        long n = source.end();
        boolean longForm = request.timestamps() || n > windowSamples;
        List<Segment> segments = new ArrayList<>();
        StringBuilder text = new StringBuilder();

        Clock clock = new Clock();
        // One window's features at a time; the frames windows share are computed once.
        LogMelWindows frames = new LogMelWindows(features);
        float[] mel = new float[features.size()];
        boolean perWindow = featuresPerWindow;
        int seek = 0;
        int window = 0;
        try {
            while (true) {
                long offset = (long) seek * hop;
                source.fill(offset, offset + windowSamples + 1L);
                n = source.end();
                if (offset >= n) {
                    break;
                }
                long totalFrames = (n + hop - 1) / hop;
                int segmentFrames = (int) Math.min(features.frames(), totalFrames - seek);
                int length = (int) Math.min(windowSamples, n - offset);
                float[] samples = source.array();
                int at = source.index(offset);
                double timeOffset = (double) offset / rate;
                double segmentSeconds = (double) segmentFrames * hop / rate;
                if (rms(samples, at, length) < SILENCE_RMS) {
                    seek += segmentFrames;
                    continue;
                }
                long featureStart = System.nanoTime();
                if (perWindow) {
                    mel = features.compute(samples, at, length);
                    clock.featureFrames += features.frames();
                } else {
                    long before = frames.framesComputed();
                    frames.window(samples, at, offset, length, mel, 0);
                    clock.featureFrames += frames.framesComputed() - before;
                }
                clock.featureNanos += System.nanoTime() - featureStart;
                try (OrtSession.Result encoded = encode(mel, clock)) {
                    OnnxTensor hidden = (OnnxTensor) encoded.get(WhisperGraph.LAST_HIDDEN_STATE).orElseThrow();
                    long decodeStart = System.nanoTime();
                    if (language == null && tokens.multilingual()) {
                        language = decoder.detectLanguage(hidden);
                    }
                    long[] prompt = tokens.prompt(language, request.translate(), longForm);
                    WindowDecoder.Result r = decodeWithFallback(hidden, prompt, longForm, request.beams(), window, clock);
                    window++;
                    clock.windows++;
                    clock.decoderNanos += System.nanoTime() - decodeStart;
                    windowObserver.accept(r.tokens().clone());
                    if (r.noSpeechProb() > NO_SPEECH_THRESHOLD && r.avgLogprob() < LOGPROB_THRESHOLD) {
                        seek += segmentFrames;
                        continue;
                    }
                    if (!longForm) {
                        String t = text(r.tokens(), 0, r.tokens().length);
                        text.append(t);
                        Segment s = segment(toOriginal, timeOffset, timeOffset + segmentSeconds, t, n, rate);
                        segments.add(s);
                        listener.onSegment(s);
                        seek += segmentFrames;
                        continue;
                    }
                    Cut cut = cut(r.tokens(), segmentFrames, segmentSeconds);
                    for (Piece p : cut.pieces()) {
                        String s = text(r.tokens(), p.from(), p.to());
                        if (!s.isBlank()) {
                            Segment seg = segment(toOriginal, timeOffset + p.start(), timeOffset + p.end(), s, n, rate);
                            segments.add(seg);
                            text.append(s);
                            listener.onSegment(seg);
                        }
                    }
                    seek += cut.advanceFrames();
                }
            }
        } catch (OrtException e) {
            throw GenloomException.runFailed("Whisper failed on " + graph.decoderFile.getParent().getParent()
                    + " at " + String.format(Locale.ROOT, "%.2f", (double) seek * hop / rate) + " s: "
                    + e.getMessage(), e);
        }
        if (language == null && !tokens.multilingual()) {
            language = "en";
        }
        return new Outcome(text.toString(), language, segments, clock);
    }

    /** A piece of a window's tokens, {@code [from, to)}, between two timestamps (seconds from the window's start). */
    record Piece(int from, int to, double start, double end) {
    }

    /** How a window's tokens divide into pieces, and how many mel frames to move on. */
    record Cut(List<Piece> pieces, int advanceFrames) {
    }

    /**
     * Cuts a window's tokens into segments at each pair of consecutive timestamps (Whisper's rule)
     * and says how far to move on: to the last complete timestamp, or the whole window where the
     * text ends with a lone timestamp (the window was used up) or has no pair at all (one piece,
     * ending at its last timestamp if any, else at the window's end). Text after the last pair that
     * no timestamp closes is left out: the next window starts there and decodes it whole.
     */
    Cut cut(long[] t, int segmentFrames, double segmentSeconds) {
        int count = t.length;
        boolean singleTimestampEnding = count >= 2 && !tokens.isTimestamp(t[count - 2])
                && tokens.isTimestamp(t[count - 1]) || count == 1 && tokens.isTimestamp(t[0]);
        List<Integer> slices = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tokens.isTimestamp(t[i - 1]) && tokens.isTimestamp(t[i])) {
                slices.add(i);
            }
        }
        List<Piece> pieces = new ArrayList<>();
        if (!slices.isEmpty()) {
            if (singleTimestampEnding) {
                slices.add(count);
            }
            int last = 0;
            for (int cut : slices) {
                double start = tokens.seconds(t[last]);
                double end = Math.max(start, tokens.seconds(t[cut - 1]));
                pieces.add(new Piece(last, cut, start, end));
                last = cut;
            }
            if (singleTimestampEnding) {
                return new Cut(pieces, segmentFrames);
            }
            // each timestamp step (0.02 s) is two mel frames (0.01 s each)
            int advance = (int) ((t[last - 1] - tokens.timestampBegin()) * 2);
            return new Cut(pieces, advance > 0 ? advance : segmentFrames);
        }
        double duration = segmentSeconds;
        long lastTimestamp = -1;
        for (long token : t) {
            if (tokens.isTimestamp(token)) {
                lastTimestamp = token;
            }
        }
        if (lastTimestamp > tokens.timestampBegin()) {
            duration = tokens.seconds(lastTimestamp);
        }
        pieces.add(new Piece(0, count, 0, duration));
        return new Cut(pieces, segmentFrames);
    }

    private Segment segment(DoubleUnaryOperator toOriginal, double start, double end, String text, long n, int rate) {
        double limit = (double) n / rate;
        double s = Math.min(start, limit);
        double e = Math.min(Math.max(end, s), limit);
        double os = toOriginal.applyAsDouble(s);
        double oe = Math.max(os, toOriginal.applyAsDouble(e));
        return new Segment(os, oe, text);
    }

    /** One window (the first 30 s of {@code samples}) encoded and decoded once, as asked: for tests. */
    WindowDecoder.Result decodeWindow(float[] samples, WindowDecoder.Settings settings) throws OrtException {
        float[] mel = features.compute(samples, 0, Math.min(samples.length, features.samplesPerWindow()));
        try (OrtSession.Result encoded = encode(mel, new Clock())) {
            return decoder.decode((OnnxTensor) encoded.get(WhisperGraph.LAST_HIDDEN_STATE).orElseThrow(), settings);
        }
    }

    /** Decodes, and decodes again at rising temperatures where the result loops. */
    private WindowDecoder.Result decodeWithFallback(OnnxTensor hidden, long[] prompt, boolean timestamps, int beams,
                                                    int window, Clock clock) throws OrtException {
        int budget = Math.max(1, maxTokens - prompt.length);
        WindowDecoder.Result best = null;
        double bestRatio = Double.MAX_VALUE;
        for (int attempt = 0; attempt <= FALLBACK_TEMPERATURES.length; attempt++) {
            double temperature = attempt == 0 ? 0 : FALLBACK_TEMPERATURES[attempt - 1];
            WindowDecoder.Result r = decoder.decode(hidden, new WindowDecoder.Settings(prompt, timestamps, beams,
                    temperature, 0x5eedL * 31 + window * 7L + attempt, budget, NO_SPEECH_THRESHOLD));
            clock.tokens += r.tokens().length + (r.finished() ? 1 : 0);
            double ratio = compressionRatio(text(r.tokens(), 0, r.tokens().length));
            boolean loops = ratio > COMPRESSION_RATIO_LIMIT || !r.finished();
            if (!loops) {
                return r;
            }
            if (r.noSpeechProb() > NO_SPEECH_THRESHOLD) {
                return r; // silence: the caller drops it, whatever the text
            }
            if (best == null || ratio < bestRatio) {
                best = r;
                bestRatio = ratio;
            }
        }
        return best;
    }

    /** Runs the encoder on one window's features; the input tensor is a copy, so {@code mel} may be reused. */
    private OrtSession.Result encode(float[] mel, Clock clock) throws OrtException {
        long start = System.nanoTime();
        long[] shape = {1, features.mels(), features.frames()};
        try (OnnxTensor input = Tensors.floats(env, mel, shape, graph.featureType)) {
            return graph.encoder.run(Map.of(WhisperGraph.INPUT_FEATURES, input));
        } finally {
            clock.encoderNanos += System.nanoTime() - start;
        }
    }

    /** The text of {@code t[from, to)}, timestamps and other special tokens left out. */
    String text(long[] t, int from, int to) {
        long[] textTokens = new long[to - from];
        int k = 0;
        for (int i = from; i < to; i++) {
            if (t[i] < tokens.eot()) {
                textTokens[k++] = t[i];
            }
        }
        return k == 0 ? "" : tokenizer.decode(Arrays.copyOf(textTokens, k), true);
    }

    static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return 0;
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] out = new byte[bytes.length + 64];
            int size = 0;
            while (!deflater.finished()) {
                size += deflater.deflate(out);
            }
            return (double) bytes.length / size;
        } finally {
            deflater.end();
        }
    }

    static double rms(float[] samples, int offset, int length) {
        if (length <= 0) {
            return 0;
        }
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / length);
    }
}
