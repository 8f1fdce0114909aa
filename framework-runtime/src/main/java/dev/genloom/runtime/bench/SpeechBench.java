package dev.genloom.runtime.bench;

import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.Genloom;

import java.util.ArrayList;

import java.util.List;
import java.util.Map;
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
     * The baseline: a greedy Whisper decoding loop written directly against ONNX Runtime on the same
     * folder's {@code decoder_model.onnx} + {@code decoder_with_past_model.onnx} (sessions opened
     * with the host's options), over the encoder output of silence, for {@code tokens} steps with no
     * rules and no stop; median milliseconds per step after the first over {@code repeats} runs.
     */
    public static double bareDecoderMillisPerToken(Genloom genloom, String model, int tokens, int repeats) {
        java.nio.file.Path given = java.nio.file.Path.of(model);
        java.nio.file.Path folder = java.nio.file.Files.isDirectory(given) ? given
                : genloom.resolve(model, null).folder().path();
        java.nio.file.Path onnx = folder.resolve("onnx");
        for (String f : new String[] {"encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx"}) {
            if (!java.nio.file.Files.isRegularFile(onnx.resolve(f))) {
                throw dev.genloom.api.GenloomException.invalidInput("the bare decoding loop runs onnx/" + f
                        + ", which " + folder + " does not have");
            }
        }
        com.fasterxml.jackson.databind.JsonNode gen;
        try {
            gen = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    folder.resolve("generation_config.json").toFile());
        } catch (java.io.IOException e) {
            throw dev.genloom.api.GenloomException.invalidInput("cannot read " + folder.resolve("generation_config.json")
                    + ": " + e.getMessage());
        }
        long[] prompt = {gen.path("decoder_start_token_id").asLong(), gen.path("no_timestamps_token_id").asLong()};
        ai.onnxruntime.OrtEnvironment env = genloom.sessions().environment();
        try (ai.onnxruntime.OrtSession encoder = genloom.sessions().open(onnx.resolve("encoder_model.onnx"));
             ai.onnxruntime.OrtSession first = genloom.sessions().open(onnx.resolve("decoder_model.onnx"));
             ai.onnxruntime.OrtSession step = genloom.sessions().open(onnx.resolve("decoder_with_past_model.onnx"))) {
            long[] shape = ((ai.onnxruntime.TensorInfo) encoder.getInputInfo().get("input_features").getInfo())
                    .getShape().clone();
            shape[0] = 1;
            float[] silence = new float[(int) (shape[1] * shape[2])];
            java.util.Arrays.fill(silence, -1.5f);
            double[] perRun = new double[Math.max(1, repeats)];
            try (ai.onnxruntime.OnnxTensor features = ai.onnxruntime.OnnxTensor.createTensor(env,
                    java.nio.FloatBuffer.wrap(silence), shape);
                 ai.onnxruntime.OrtSession.Result encoded = encoder.run(Map.of("input_features", features))) {
                ai.onnxruntime.OnnxTensor hidden = (ai.onnxruntime.OnnxTensor) encoded.get(0);
                for (int r = -1; r < perRun.length; r++) { // r = -1: warm-up
                    double ms = bareLoop(env, first, step, hidden, prompt, tokens);
                    if (r >= 0) {
                        perRun[r] = ms;
                    }
                }
            }
            java.util.Arrays.sort(perRun);
            return perRun[perRun.length / 2];
        } catch (ai.onnxruntime.OrtException e) {
            throw dev.genloom.api.GenloomException.runFailed("bare decoding loop: " + e.getMessage(), e);
        }
    }

    private static double bareLoop(ai.onnxruntime.OrtEnvironment env, ai.onnxruntime.OrtSession first,
                                   ai.onnxruntime.OrtSession step, ai.onnxruntime.OnnxTensor hidden, long[] prompt,
                                   int tokens) throws ai.onnxruntime.OrtException {
        ai.onnxruntime.OrtSession.Result prefill;
        try (ai.onnxruntime.OnnxTensor ids = ai.onnxruntime.OnnxTensor.createTensor(env,
                java.nio.LongBuffer.wrap(prompt), new long[] {1, prompt.length})) {
            prefill = first.run(Map.of("input_ids", ids, "encoder_hidden_states", hidden));
        }
        ai.onnxruntime.OrtSession.Result previous = null;
        long start = 0;
        try {
            Map<String, ai.onnxruntime.OnnxTensor> encoderKv = new java.util.HashMap<>();
            Map<String, ai.onnxruntime.OnnxTensor> decoderKv = new java.util.HashMap<>();
            for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : prefill) {
                String name = e.getKey();
                if (name.startsWith("present.")) {
                    String past = "past_key_values." + name.substring("present.".length());
                    (name.contains(".encoder.") ? encoderKv : decoderKv).put(past, (ai.onnxruntime.OnnxTensor) e.getValue());
                }
            }
            long next = TextGenerationBench.lastPositionArgmax(
                    (ai.onnxruntime.OnnxTensor) prefill.get("logits").orElseThrow());
            for (int t = 0; t < tokens; t++) {
                if (t == 1) {
                    start = System.nanoTime();
                }
                Map<String, ai.onnxruntime.OnnxTensor> in = new java.util.HashMap<>(encoderKv);
                in.putAll(decoderKv);
                ai.onnxruntime.OrtSession.Result result;
                try (ai.onnxruntime.OnnxTensor ids = ai.onnxruntime.OnnxTensor.createTensor(env,
                        java.nio.LongBuffer.wrap(new long[] {next}), new long[] {1, 1})) {
                    in.put("input_ids", ids);
                    result = step.run(in);
                }
                if (previous != null) {
                    previous.close();
                }
                previous = result;
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    if (e.getKey().startsWith("present.")) {
                        decoderKv.put("past_key_values." + e.getKey().substring("present.".length()),
                                (ai.onnxruntime.OnnxTensor) e.getValue());
                    }
                }
                next = TextGenerationBench.lastPositionArgmax((ai.onnxruntime.OnnxTensor) result.get("logits").orElseThrow());
            }
            return (System.nanoTime() - start) / 1e6 / Math.max(1, tokens - 1);
        } finally {
            if (previous != null) {
                previous.close();
            }
            prefill.close();
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
