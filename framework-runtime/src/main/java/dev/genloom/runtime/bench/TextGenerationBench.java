package dev.genloom.runtime.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.ResolvedModel;
import dev.genloom.spi.Tokenizer;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Text generation speed at several context lengths C: prefill tokens per second over a prompt of
 * C − 1 tokens (the first generated token fills the context), and decode tokens per second over the
 * last {@code decodeTokens} tokens up to C; through
 * the framework ({@link TextToText#generate}) and through a bare ONNX Runtime greedy loop on the same
 * {@code onnx/model.onnx} in the same process (its own session, the host's session options), runs
 * alternating; the medians are reported.
 */
public final class TextGenerationBench {

    /** One context length's figures. Decode rates count the tokens after the first. */
    public record Row(int context, double prefillTokensPerSecond, int decodeTokens, double decodeTokensPerSecond,
                      double bareDecodeTokensPerSecond) {
        /** Framework decode time per token over the bare loop's, minus one: 0.05 is 5 % slower. */
        public double decodeOverhead() {
            return bareDecodeTokensPerSecond / decodeTokensPerSecond - 1;
        }
    }

    private static final String WORDS = " the little cat sat on the warm mat and looked at the bright red ball";

    private TextGenerationBench() {
    }

    public static List<Row> measure(Genloom genloom, String model, int[] contexts, int decodeTokens, int repeats) {
        ResolvedModel resolved = genloom.resolve(model, null);
        Path onnx = resolved.folder().path().resolve("onnx/model.onnx");
        if (!Files.isRegularFile(onnx)) {
            throw GenloomException.invalidInput("the text benchmark compares against a bare loop over onnx/model.onnx, "
                    + "which " + resolved.folder().path() + " does not have");
        }
        TextToText lm = genloom.textToText(model);
        List<Row> rows = new ArrayList<>();
        try (Tokenizer tokenizer = genloom.tokenizers().load(resolved.folder().path().resolve("tokenizer.json"));
             BareLoop bare = new BareLoop(genloom.sessions().environment(), genloom.sessions().open(onnx))) {
            // warm-up of both paths
            String warm = prompt(tokenizer, 32);
            lm.generate(warm, greedy(8));
            bare.generate(tokenizer.encode(warm, false).ids(), 8);
            for (int context : contexts) {
                if (context <= decodeTokens) {
                    throw GenloomException.invalidInput("context " + context + " must exceed the decode length " + decodeTokens);
                }
                String full = prompt(tokenizer, context - 1); // + the one token generated = the context
                String shorter = prompt(tokenizer, context - decodeTokens);
                long[] shorterIds = tokenizer.encode(shorter, false).ids();
                double[] prefill = new double[repeats];
                double[] decode = new double[repeats];
                double[] bareDecode = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    Generation p = lm.generate(full, greedy(1));
                    prefill[r] = p.promptTokens() / (p.prefillNanos() / 1e9);
                    Generation d = lm.generate(shorter, greedy(decodeTokens));
                    if (d.generatedTokens() != decodeTokens) {
                        throw new IllegalStateException("the model generated " + d.generatedTokens() + " tokens, not "
                                + decodeTokens);
                    }
                    decode[r] = (decodeTokens - 1) / (d.decodeNanos() / 1e9);
                    bareDecode[r] = (decodeTokens - 1) / (bare.generate(shorterIds, decodeTokens) / 1e9);
                }
                rows.add(new Row(context, PipelineOverhead.median(prefill), decodeTokens,
                        PipelineOverhead.median(decode), PipelineOverhead.median(bareDecode)));
            }
        }
        return rows;
    }

    private static TextOptions greedy(int tokens) {
        return TextOptions.defaults().withDoSample(false).withMaxNewTokens(tokens).withMinNewTokens(tokens);
    }

    /** A text of exactly {@code tokens} tokens (without special tokens). */
    static String prompt(Tokenizer tokenizer, int tokens) {
        StringBuilder text = new StringBuilder();
        while (tokenizer.encode(text.toString(), false).size() < tokens + 8) {
            text.append(WORDS);
        }
        long[] ids = tokenizer.encode(text.toString(), false).ids();
        for (int k = tokens; k > 0; k--) {
            String candidate = tokenizer.decode(Arrays.copyOf(ids, k), false);
            int n = tokenizer.encode(candidate, false).size();
            if (n == tokens) {
                return candidate;
            }
            if (n < tokens) {
                break;
            }
        }
        throw new IllegalStateException("cannot make a prompt of exactly " + tokens + " tokens");
    }

    /** Peak resident memory of this process, in MiB (Linux), or -1. */
    /** The likeliest token at the last position of a float [batch 1, positions, vocab] logits tensor. */
    static int lastPositionArgmax(OnnxTensor logits) {
        long[] shape = logits.getInfo().getShape();
        int vocab = (int) shape[2];
        int base = (int) ((shape[1] - 1) * vocab);
        FloatBuffer b = logits.getFloatBuffer();
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            float x = b.get(base + v);
            if (x > bestValue) {
                bestValue = x;
                best = v;
            }
        }
        return best;
    }

    public static long peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** A greedy decoder-only loop written directly against ONNX Runtime: the baseline. */
    static final class BareLoop implements AutoCloseable {
        private final OrtEnvironment env;
        private final OrtSession session;
        private final List<String> pastNames = new ArrayList<>();
        private final Map<String, long[]> pastShapes = new HashMap<>();
        private final boolean positions;

        BareLoop(OrtEnvironment env, OrtSession session) {
            this.env = env;
            this.session = session;
            try {
                for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                    if (e.getKey().startsWith("past_key_values.")) {
                        pastNames.add(e.getKey());
                        long[] shape = ((TensorInfo) e.getValue().getInfo()).getShape().clone();
                        shape[0] = 1;
                        shape[2] = 0;
                        pastShapes.put(e.getKey(), shape);
                    }
                }
                positions = session.getInputNames().contains("position_ids");
            } catch (OrtException e) {
                throw GenloomException.runFailed("bare loop: " + e.getMessage(), e);
            }
        }

        /** Greedy generation of {@code tokens} tokens; returns the nanoseconds of the steps after the first. */
        long generate(long[] prompt, int tokens) {
            Map<String, OnnxTensor> past = new HashMap<>();
            OrtSession.Result previous = null;
            long decodeStart = 0;
            try {
                for (String name : pastNames) {
                    past.put(name, OnnxTensor.createTensor(env, FloatBuffer.allocate(0), pastShapes.get(name)));
                }
                long[] step = prompt;
                int length = 0;
                for (int t = 0; t < tokens; t++) {
                    if (t == 1) {
                        decodeStart = System.nanoTime();
                    }
                    int n = step.length;
                    long[] mask = new long[length + n];
                    Arrays.fill(mask, 1);
                    long[] pos = new long[n];
                    for (int i = 0; i < n; i++) {
                        pos[i] = length + i;
                    }
                    Map<String, OnnxTensor> in = new HashMap<>(past);
                    List<OnnxTensor> made = new ArrayList<>();
                    made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(step), new long[] {1, n}));
                    in.put("input_ids", made.get(0));
                    made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, mask.length}));
                    in.put("attention_mask", made.get(1));
                    if (positions) {
                        made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[] {1, n}));
                        in.put("position_ids", made.get(2));
                    }
                    OrtSession.Result result = session.run(in);
                    for (OnnxTensor m : made) {
                        m.close();
                    }
                    if (previous != null) {
                        previous.close();
                    } else {
                        past.values().forEach(OnnxTensor::close);
                    }
                    previous = result;
                    int best = lastPositionArgmax((OnnxTensor) result.get("logits").orElseThrow());
                    past = new HashMap<>();
                    for (String name : pastNames) {
                        OnnxValue present = result.get(name.replace("past_key_values.", "present.")).orElseThrow();
                        past.put(name, (OnnxTensor) present);
                    }
                    length += n;
                    step = new long[] {best};
                }
                return System.nanoTime() - decodeStart;
            } catch (OrtException e) {
                throw GenloomException.runFailed("bare loop: " + e.getMessage(), e);
            } finally {
                if (previous != null) {
                    previous.close();
                }
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw GenloomException.runFailed("bare loop: " + e.getMessage(), e);
            }
        }
    }
}
