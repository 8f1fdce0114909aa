package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.GenloomException;
import dev.genloom.api.task.ValueType;
import dev.genloom.api.task.Suggestions;
import dev.genloom.runtime.Genloom;
import dev.genloom.cli.io.Values;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineInput;
import dev.genloom.runtime.pipeline.PipelineListener;
import dev.genloom.runtime.pipeline.PipelineResult;
import dev.genloom.runtime.pipeline.PipelineValidationException;
import dev.genloom.runtime.pipeline.Problem;
import dev.genloom.runtime.pipeline.Source;
import dev.genloom.runtime.pipeline.Step;
import dev.genloom.runtime.pipeline.StepTiming;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run a pipeline. Text outputs print to stdout without --output; images, audio "
        + "and structured values are written to the --output folder as NAME.png, NAME.wav, NAME.json (text as NAME.txt).")
final class RunCommand extends RuntimeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the pipeline YAML")
    Path file;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=VALUE|NAME=@FILE",
            description = "a pipeline input: text as it is, or a file (@speech.wav, @photo.png, @prompt.txt)")
    List<String> inputs = List.of();

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "folder for the outputs")
    Path output;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        try (Genloom genloom = root.open()) {
            Pipeline pipeline;
            try {
                doing("reading pipeline " + file);
                pipeline = genloom.pipeline(file);
            } catch (PipelineValidationException e) {
                for (Problem p : e.problems()) {
                    err.println(p);
                }
                err.flush();
                throw new GenloomException(e.kind(), file + " does not validate (" + e.problems().size()
                        + " problem" + (e.problems().size() == 1 ? "" : "s") + ")", "fix them; genloom pipeline validate "
                        + file + " checks without running");
            }
            Map<String, Object> values = parseInputs(pipeline, genloom.config().maxImagePixels());
            if (output == null) {
                for (var o : pipeline.outputs().entrySet()) {
                    ValueType type = outputType(pipeline, o.getKey());
                    if (type != ValueType.TEXT && !root.json()) {
                        throw GenloomException.invalidInput("output '" + o.getKey() + "' is " + type
                                + ": give --output DIR to write it");
                    }
                }
            }
            PipelineResult result;
            doing("running pipeline '" + pipeline.name() + "' (" + file + ")");
            try (StepProgress progress = new StepProgress(bars())) {
                result = genloom.run(pipeline, values, progress);
            }
            report(pipeline, result, out);
        }
        return 0;
    }

    private static ValueType outputType(Pipeline pipeline, String output) {
        Source source = pipeline.outputs().get(output);
        if (source instanceof Source.Input in) {
            return pipeline.inputs().get(in.name()).type();
        }
        Source.StepOutput so = (Source.StepOutput) source;
        return pipeline.step(so.step()).orElseThrow().task().output(so.port()).orElseThrow().type();
    }

    private Map<String, Object> parseInputs(Pipeline pipeline, long maxImagePixels) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String spec : inputs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw GenloomException.invalidInput("--input must be NAME=VALUE or NAME=@FILE, got '" + spec + "'");
            }
            String name = spec.substring(0, eq);
            PipelineInput declared = pipeline.inputs().get(name);
            if (declared == null) {
                throw GenloomException.invalidInput("pipeline '" + pipeline.name() + "' has no input '" + name + "'"
                        + Suggestions.didYouMean(name, pipeline.inputs().keySet()) + "; its inputs are "
                        + pipeline.inputs().keySet());
            }
            if (values.containsKey(name)) {
                throw GenloomException.invalidInput("input '" + name + "' is given twice");
            }
            if (spec.startsWith("@", eq + 1)) {
                doing("reading input '" + name + "' from " + spec.substring(eq + 2));
            }
            values.put(name, Values.parse(declared.type(), spec.substring(eq + 1), "input '" + name + "'",
                    maxImagePixels));
        }
        return values;
    }

    private void report(Pipeline pipeline, PipelineResult result, PrintWriter out) {
        Map<String, Path> written = new LinkedHashMap<>();
        if (output != null) {
            for (var o : result.outputs().entrySet()) {
                written.put(o.getKey(), Values.write(o.getValue(), output, o.getKey()));
            }
        }
        if (root.json()) {
            ObjectNode node = JsonNodeFactory.instance.objectNode().put("pipeline", pipeline.name());
            ObjectNode outputs = node.putObject("outputs");
            for (var o : result.outputs().entrySet()) {
                ObjectNode v = outputs.putObject(o.getKey());
                v.set("value", Values.toJson(o.getValue()));
                if (written.containsKey(o.getKey())) {
                    v.put("file", written.get(o.getKey()).toString());
                }
            }
            ArrayNode steps = node.putArray("steps");
            for (Step s : pipeline.steps()) {
                StepTiming t = result.timing(s.name());
                steps.addObject().put("name", s.name()).put("task", s.task().name()).put("model", s.model())
                        .put("startMillis", t.startNanos() / 1e6).put("millis", t.wallNanos() / 1e6)
                        .put("thread", t.thread());
            }
            node.put("totalMillis", result.totalNanos() / 1e6);
            out.println(node.toPrettyString());
        } else if (output != null) {
            written.forEach((name, path) -> out.println(name + ": " + path));
        } else {
            boolean single = result.outputs().size() == 1;
            for (var o : result.outputs().entrySet()) {
                String text = (String) o.getValue();
                out.println(single ? text : o.getKey() + ": " + text);
            }
        }
        out.flush();
    }

    /** Progress of the steps: a bar per step that reports progress, on a terminal; nothing otherwise. */
    private static final class StepProgress implements PipelineListener, AutoCloseable {
        private final ProgressBars.Factory factory;
        private final Map<String, ProgressBars.Bar> bars = new ConcurrentHashMap<>();

        StepProgress(ProgressBars.Factory factory) {
            this.factory = factory;
        }

        @Override
        public void stepProgress(Step step, long done, long total) {
            // a bar for the steps that report progress, from their first report on
            bars.computeIfAbsent(step.name(), name -> factory.open(name, ProgressBars.Unit.COUNT, total))
                    .update(done, total);
        }

        @Override
        public void stepFinished(Step step, long nanos) {
            ProgressBars.Bar bar = bars.remove(step.name());
            if (bar != null) {
                bar.close();
            }
        }

        @Override
        public void stepFailed(Step step, Throwable error) {
            stepFinished(step, 0);
        }

        @Override
        public void close() {
            bars.values().forEach(ProgressBars.Bar::close);
        }
    }
}
