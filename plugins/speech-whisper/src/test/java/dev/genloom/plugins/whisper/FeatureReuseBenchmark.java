package dev.genloom.plugins.whisper;

import dev.genloom.api.SegmentListener;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.plugins.whisper.features.LogMelWindows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

/**
 * Times the features of long transcriptions with the frames that windows share computed once
 * ({@link LogMelWindows}) and, in the same process, computed again
 * for every window (the path before it), on the trained toy-whisper-en: the held-out clips one after
 * another with a second of silence between them, cut to the asked length. Not a test; by hand:
 * {@code java -cp ... FeatureReuseBenchmark MODELS_DIR [rounds] [seconds ...]}, where MODELS_DIR is
 * what {@code GENLOOM_TEST_MODELS} names. Each round runs both ways, alternating which goes first;
 * the medians are printed, and the two transcripts must be equal.
 */
public final class FeatureReuseBenchmark {

    private FeatureReuseBenchmark() {
    }

    /** The held-out clips of {@code folder}, one after another with a second of silence between, to {@code seconds}. */
    static float[] clips(Path folder, double seconds) throws Exception {
        List<float[]> clips = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder.resolve("heldout"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".wav")).sorted().toList()) {
                clips.add(WavCodec.read(p).monoAt(16000).samples());
            }
        }
        int n = (int) Math.round(seconds * 16000);
        float[] out = new float[n];
        int at = 0;
        for (int i = 0; at < n; i++) {
            float[] c = clips.get(i % clips.size());
            int k = Math.min(c.length, n - at);
            System.arraycopy(c, 0, out, at, k);
            at += k + 16000;
        }
        return out;
    }

    record Run(double featureMs, double totalMs, int windows, long frames, String text) {
    }

    static Run run(Transcriber transcriber, float[] audio, boolean perWindow) {
        transcriber.featuresPerWindow = perWindow;
        try {
            long start = System.nanoTime();
            Transcriber.Outcome o = transcriber.transcribe(audio, new Transcriber.Request("en", false, true, 1),
                    SegmentListener.NONE, DoubleUnaryOperator.identity());
            long total = System.nanoTime() - start;
            return new Run(o.clock().featureNanos / 1e6, total / 1e6, o.clock().windows, o.clock().featureFrames,
                    o.text());
        } finally {
            transcriber.featuresPerWindow = false;
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]).resolve("toy-whisper-en");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        double[] lengths = args.length > 2
                ? Arrays.stream(args, 2, args.length).mapToDouble(Double::parseDouble).toArray()
                : new double[] {57, 180};
        try (WhisperModel model = Direct.open(folder, Map.of())) {
            Transcriber t = model.transcriber;
            for (double seconds : lengths) {
                float[] audio = clips(folder, seconds);
                run(t, audio, false);
                run(t, audio, true);
                double[][] feature = new double[2][rounds];
                double[][] total = new double[2][rounds];
                Run[] last = new Run[2];
                for (int r = 0; r < rounds; r++) {
                    for (int k = 0; k < 2; k++) {
                        int way = (r + k) % 2; // 0: frames once, 1: per window
                        Run run = run(t, audio, way == 1);
                        feature[way][r] = run.featureMs();
                        total[way][r] = run.totalMs();
                        last[way] = run;
                    }
                }
                if (!last[0].text().equals(last[1].text())) {
                    throw new AssertionError("the transcripts differ:\n" + last[0].text() + "\n" + last[1].text());
                }
                System.out.printf(Locale.ROOT, "%.0f s, %d windows, median of %d rounds: features %.1f ms -> %.1f ms"
                                + " (%d -> %d frames computed), transcription %.1f ms -> %.1f ms%n",
                        seconds, last[0].windows(), rounds, median(feature[1]), median(feature[0]),
                        last[1].frames(), last[0].frames(), median(total[1]), median(total[0]));
            }
        }
    }
}
