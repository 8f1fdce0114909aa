package dev.genloom.runtime.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.bench.PipelineOverhead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Benchmarks (a harness, not tests).", subcommands = {BenchCommand.Pipeline.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a benchmark: pipeline");
    }

    @Command(name = "pipeline", description = "Pipeline overhead per step against calling the model directly, "
            + "in one process (text-to-text steps in a chain).")
    static final class Pipeline implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = {"-m", "--model"}, defaultValue = "echo-tiny", paramLabel = "MODEL",
                description = "a text-to-text model (default: ${DEFAULT-VALUE})")
        String model;

        @Option(names = "--steps", defaultValue = "4", paramLabel = "N", description = "steps in the chain (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--rounds", defaultValue = "15", paramLabel = "N", description = "alternating rounds (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--calls", defaultValue = "2000", paramLabel = "N", description = "model calls per round (default: ${DEFAULT-VALUE})")
        int calls;

        @Override
        public Integer call() {
            GenloomCli root = (GenloomCli) parent.spec.parent().userObject();
            PrintWriter out = spec.commandLine().getOut();
            try (Genloom genloom = root.open()) {
                PipelineOverhead.Result r = PipelineOverhead.measure(genloom, model, steps, rounds, calls);
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                if (root.json()) {
                    out.println(JsonNodeFactory.instance.objectNode().put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("steps", r.steps()).put("rounds", r.rounds())
                            .put("callsPerRound", r.callsPerRound())
                            .put("directMicrosPerCall", r.directNanosPerCall() / 1e3)
                            .put("pipelineMicrosPerStep", r.pipelineNanosPerStep() / 1e3)
                            .put("overheadMicrosPerStep", r.overheadNanosPerStep() / 1e3)
                            .put("ratio", r.ratio()).toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %d-step chain, %d rounds x %d calls "
                                    + "(median round)%n", model, device, threads == 0 ? "default" : threads, r.steps(),
                            r.rounds(), r.callsPerRound());
                    out.printf(Locale.ROOT, "direct call        %10.1f us%n", r.directNanosPerCall() / 1e3);
                    out.printf(Locale.ROOT, "pipeline, per step %10.1f us%n", r.pipelineNanosPerStep() / 1e3);
                    out.printf(Locale.ROOT, "overhead per step  %10.1f us  (ratio %.3f)%n",
                            r.overheadNanosPerStep() / 1e3, r.ratio());
                }
                out.flush();
            }
            return 0;
        }
    }
}
