package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineValidationException;
import dev.genloom.runtime.pipeline.Problem;
import dev.genloom.runtime.pipeline.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "pipeline", description = "Work with pipeline documents.",
        subcommands = {PipelineCommand.Validate.class})
final class PipelineCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a pipeline command: validate");
    }

    @Command(name = "validate", description = "Check a pipeline without loading any model: names, types, options, "
            + "cycles, models; problems as file:line:column: message.")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        PipelineCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the pipeline YAML")
        Path file;

        @Override
        public Integer call() {
            GenloomCli root = (GenloomCli) parent.spec.parent().userObject();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Genloom genloom = root.open()) {
                Pipeline p;
                try {
                    p = genloom.pipeline(file);
                } catch (PipelineValidationException e) {
                    if (root.json()) {
                        ObjectNode node = JsonNodeFactory.instance.objectNode().put("file", file.toString())
                                .put("valid", false);
                        ArrayNode problems = node.putArray("problems");
                        for (Problem pr : e.problems()) {
                            problems.addObject().put("file", pr.file()).put("line", pr.line())
                                    .put("column", pr.column()).put("message", pr.message());
                        }
                        out.println(node.toPrettyString());
                    }
                    for (Problem pr : e.problems()) {
                        err.println(pr);
                    }
                    out.flush();
                    err.flush();
                    return 2;
                }
                if (root.json()) {
                    ObjectNode node = JsonNodeFactory.instance.objectNode().put("file", file.toString())
                            .put("valid", true).put("name", p.name());
                    ArrayNode steps = node.putArray("steps");
                    for (Step s : p.steps()) {
                        steps.addObject().put("name", s.name()).put("task", s.task().name()).put("model", s.model());
                    }
                    ArrayNode inputs = node.putArray("inputs");
                    p.inputs().values().forEach(i -> inputs.addObject().put("name", i.name())
                            .put("type", i.type().name()).put("required", i.required()));
                    ArrayNode outputs = node.putArray("outputs");
                    p.outputs().keySet().forEach(outputs::add);
                    node.putArray("problems");
                    out.println(node.toPrettyString());
                } else {
                    out.println(file + ": valid pipeline '" + p.name() + "': " + p.steps().size() + " steps ("
                            + String.join(", ", p.steps().stream().map(Step::name).toList()) + "), inputs "
                            + p.inputs().keySet() + ", outputs " + p.outputs().keySet());
                }
                out.flush();
            }
            return 0;
        }
    }
}
