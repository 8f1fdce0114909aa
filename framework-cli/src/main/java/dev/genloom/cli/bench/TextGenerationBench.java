package dev.genloom.cli.bench;

import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.ResolvedModel;
import dev.genloom.spi.BareDecoder;
import dev.genloom.spi.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text generation speed at several context lengths C: prefill tokens per second over a prompt of
 * C − 1 tokens (the first generated token fills the context), and decode tokens per second over the
 * last {@code decodeTokens} tokens up to C; through
 * the framework ({@link TextToText#generate}) and through the family's bare ONNX Runtime greedy loop
 * ({@link Genloom#bareDecoder}: for GPT models, over {@code onnx/model.onnx}) in the same process
 * (its own session, the host's session options), runs alternating; the medians are reported.
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
        TextToText lm = genloom.textToText(model);
        List<Row> rows = new ArrayList<>();
        try (BareDecoder bare = genloom.bareDecoder(model);
             Tokenizer tokenizer = genloom.tokenizers().load(resolved.folder().path().resolve("tokenizer.json"))) {
            // warm-up of both paths
            String warm = prompt(tokenizer, 32);
            lm.generate(warm, greedy(8));
            bare.decode(tokenizer.encode(warm, false).ids(), 8);
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
                    bareDecode[r] = (decodeTokens - 1) / (bare.decode(shorterIds, decodeTokens).stepsNanos() / 1e9);
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
}
