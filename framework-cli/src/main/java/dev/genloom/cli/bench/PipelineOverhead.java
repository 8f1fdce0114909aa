package dev.genloom.cli.bench;

import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineParser;

import java.util.Arrays;
import java.util.Map;

/**
 * What a pipeline costs on top of its models: a chain of {@code steps} text-to-text steps on one
 * model, against the same number of direct calls, in one process. Rounds of the two alternate, so
 * drift (JIT, frequency, other load) falls on both alike; the median round of each is reported.
 */
public final class PipelineOverhead {

    /** The figures of one measurement, in nanoseconds per model call / per step. */
    public record Result(String model, int steps, int rounds, int callsPerRound, double directNanosPerCall,
                         double pipelineNanosPerStep) {
        public double overheadNanosPerStep() {
            return pipelineNanosPerStep - directNanosPerCall;
        }

        public double ratio() {
            return pipelineNanosPerStep / directNanosPerCall;
        }
    }

    private PipelineOverhead() {
    }

    /** A pipeline of {@code steps} text-to-text steps in a chain, each on the model. */
    static String chain(String model, int steps) {
        StringBuilder yaml = new StringBuilder("name: overhead\ninputs:\n  prompt: text\nsteps:\n");
        for (int i = 1; i <= steps; i++) {
            yaml.append("  s").append(i).append(":\n    task: text-to-text\n    model: ").append(model)
                    .append("\n    input: ").append(i == 1 ? "prompt" : "s" + (i - 1) + ".text")
                    .append("\n    options: {max-new-tokens: 8}\n");
        }
        yaml.append("outputs:\n  text: s").append(steps).append(".text\n");
        return yaml.toString();
    }

    public static Result measure(Genloom genloom, String model, int steps, int rounds, int callsPerRound) {
        TextToText lm = genloom.textToText(model);
        Pipeline pipeline = new PipelineParser(genloom.catalog()).parse(chain(model, steps), "overhead.yaml");
        TextOptions options = TextOptions.defaults().withMaxNewTokens(8);
        Map<String, Object> inputs = Map.of("prompt", "the quick brown fox jumps over the lazy dog");
        String prompt = "the quick brown fox jumps over the lazy dog";
        int pipelineRuns = Math.max(1, callsPerRound / steps);
        // Warm-up: both paths, until the JIT has seen them.
        for (int i = 0; i < Math.max(200, callsPerRound); i++) {
            lm.generate(prompt, options);
            if (i % steps == 0) {
                genloom.run(pipeline, inputs);
            }
        }
        double[] direct = new double[rounds];
        double[] piped = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < callsPerRound; i++) {
                lm.generate(prompt, options);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < pipelineRuns; i++) {
                genloom.run(pipeline, inputs);
            }
            long t2 = System.nanoTime();
            direct[r] = (double) (t1 - t0) / callsPerRound;
            piped[r] = (double) (t2 - t1) / ((long) pipelineRuns * steps);
        }
        return new Result(model, steps, rounds, callsPerRound, median(direct), median(piped));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
