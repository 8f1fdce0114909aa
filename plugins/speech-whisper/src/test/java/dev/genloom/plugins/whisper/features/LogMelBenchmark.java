package dev.genloom.plugins.whisper.features;

import java.util.Arrays;
import java.util.Random;

/**
 * Times one 30-s window of features on the calling thread: {@code warmUp} untimed runs, then the
 * median and the fastest of {@code runs} timed ones. Not a test; for the benchmark harness or by
 * hand: {@code java -cp ... LogMelBenchmark [mels] [runs] [warmUp]}.
 */
public final class LogMelBenchmark {

    private LogMelBenchmark() {
    }

    /** Median milliseconds per 30-s window over {@code runs} runs after {@code warmUp} untimed ones. */
    public static double medianMillis(LogMelSpectrogram features, int runs, int warmUp) {
        Random random = new Random(1);
        float[] audio = new float[features.samplesPerWindow()];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * random.nextGaussian());
        }
        float sink = 0;
        for (int i = 0; i < warmUp; i++) {
            sink += features.compute(audio)[i % features.size()];
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            sink += features.compute(audio)[i % features.size()];
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        if (sink == 42.4242f) {
            System.out.print("");
        }
        Arrays.sort(millis);
        return millis[runs / 2];
    }

    public static void main(String[] args) {
        int mels = args.length > 0 ? Integer.parseInt(args[0]) : 80;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        LogMelSpectrogram features = LogMelSpectrogram.whisper(mels);
        double median = medianMillis(features, runs, warmUp);
        System.out.printf("log-mel, %d mels x %d frames, one 30-s window of noise, 1 thread, %s %s (%d cores):"
                        + " median %.2f ms over %d runs after %d warm-up runs%n",
                mels, features.frames(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), median, runs, warmUp);
    }
}
