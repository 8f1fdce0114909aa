package dev.genloom.cli.bench;

import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareDecoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Speech-to-text speed: the real-time factor (seconds of compute per second of audio) of a
 * transcription through the framework, with the time in features, encoder and decoder apart as
 * the model reports it ({@link Transcript#timings()}); the median of several runs after a warm-up.
 */
public final class SpeechBench {

    /** Figures of one benchmark (medians over the runs). */
    public record Result(double audioSeconds, double wallSeconds, int windows, int tokens, double featureSeconds,
                         double encoderSeconds, double decoderSeconds, String text) {
        public double realTimeFactor() {
            return wallSeconds / audioSeconds;
        }

        public double encoderRealTimeFactor() {
            return encoderSeconds / audioSeconds;
        }

        public double decoderRealTimeFactor() {
            return decoderSeconds / audioSeconds;
        }

        public double decoderMillisPerToken() {
            return tokens == 0 ? 0 : decoderSeconds * 1000 / tokens;
        }
    }

    private SpeechBench() {
    }

    /** Transcribes {@code audio} (null: {@link #speechLike} of {@code seconds}) {@code repeats} times. */
    public static Result measure(Genloom genloom, String model, Audio audio, double seconds, boolean timestamps,
                                 int beams, int repeats) {
        Audio clip = audio != null ? audio : Audio.mono(speechLike(seconds, 16000, 7), 16000);
        SpeechToText stt = genloom.model(model, SpeechToText.class);
        TranscriptionOptions options = TranscriptionOptions.defaults().withTimestamps(timestamps).withBeams(beams);
        stt.transcribe(clip, options); // warm-up
        List<double[]> runs = new ArrayList<>();
        Transcript last = null;
        for (int i = 0; i < Math.max(1, repeats); i++) {
            long start = System.nanoTime();
            last = stt.transcribe(clip, options);
            double wall = (System.nanoTime() - start) / 1e9;
            Transcript.Timings t = last.timings();
            runs.add(new double[] {wall, t.featureNanos() / 1e9, t.encoderNanos() / 1e9, t.decoderNanos() / 1e9});
        }
        double[] median = new double[4];
        for (int k = 0; k < 4; k++) {
            final int col = k;
            double[] v = runs.stream().mapToDouble(r -> r[col]).sorted().toArray();
            median[k] = v[v.length / 2];
        }
        return new Result(clip.durationSeconds(), median[0], last.timings().windows(), last.timings().tokens(),
                median[1], median[2], median[3], last.text());
    }

    /**
     * The baseline: the Whisper family's bare greedy decoding loop ({@link Genloom#bareDecoder}: its
     * {@code decoder_model} + {@code decoder_with_past_model} written directly against ONNX Runtime
     * over the encoding of silence, no rules, no stop) for {@code tokens} steps; the median
     * milliseconds per step after the first over {@code repeats} runs after a warm-up.
     */
    public static double bareDecoderMillisPerToken(Genloom genloom, String model, int tokens, int repeats) {
        try (BareDecoder bare = genloom.bareDecoder(model)) {
            double[] perRun = new double[Math.max(1, repeats)];
            bare.decode(null, tokens); // warm-up
            for (int r = 0; r < perRun.length; r++) {
                perRun[r] = bare.decode(null, tokens).millisPerStep();
            }
            Arrays.sort(perRun);
            return perRun[perRun.length / 2];
        }
    }

    /**
     * A deterministic speech-like signal: a voiced source (a gliding fundamental with harmonics)
     * through syllable-rate on/off envelopes, short pauses between "words", and a little noise.
     */
    public static float[] speechLike(double seconds, int rate, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = (int) Math.round(seconds * rate);
        float[] x = new float[n];
        double phase = 0;
        double f0 = 120;
        int i = 0;
        while (i < n) {
            int word = (int) (rate * (0.25 + 0.5 * r.nextDouble()));
            int pause = (int) (rate * (0.05 + 0.25 * r.nextDouble()));
            double target = 100 + 80 * r.nextDouble();
            for (int k = 0; k < word && i < n; k++, i++) {
                f0 += (target - f0) * 0.0005;
                phase += 2 * Math.PI * f0 / rate;
                double env = Math.sin(Math.PI * k / word);
                double v = 0;
                for (int h = 1; h <= 8; h++) {
                    v += Math.sin(h * phase) / h;
                }
                x[i] = (float) (0.2 * env * v + 0.003 * (r.nextDouble() * 2 - 1));
            }
            for (int k = 0; k < pause && i < n; k++, i++) {
                x[i] = (float) (0.003 * (r.nextDouble() * 2 - 1));
            }
        }
        return x;
    }

}
