package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.task.OptionBinder;
import dev.genloom.api.task.Port;
import dev.genloom.api.task.Suggestions;
import dev.genloom.api.task.Task;
import dev.genloom.api.task.Tasks;
import dev.genloom.api.task.ValueType;
import dev.genloom.runtime.config.YamlFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a pipeline document and validates it before any model loads. Every problem found is
 * reported, each with the file, line and column of the offending key or value, in one
 * {@link PipelineValidationException}.
 *
 * <pre>{@code
 * name: transcribe-and-draw
 * inputs:
 *   speech: audio
 *   style: {type: text, default: "watercolour"}
 * steps:
 *   transcribe: {task: speech-to-text, model: whisper-tiny.en, input: speech}
 *   draw: {task: text-to-image, model: sd-turbo, inputs: {prompt: transcribe.text}, options: {steps: 2}}
 * outputs:
 *   picture: draw.image
 * }</pre>
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class PipelineParser {
    static final List<String> TOP_KEYS = List.of("name", "description", "inputs", "steps", "outputs");
    static final List<String> STEP_KEYS = List.of("task", "model", "input", "inputs", "options");
    static final List<String> INPUT_KEYS = List.of("type", "default", "description");

    private final ModelCatalog catalog;
    private final Map<String, Task<?, ?>> tasks;
    private final List<String> taskNames;

    /** A parser that knows the tasks of {@link Tasks} and asks the catalog about models. */
    public PipelineParser(ModelCatalog catalog) {
        this(catalog, Tasks.all());
    }

    /** A parser that knows the given tasks (by name) and asks the catalog about models. */
    public PipelineParser(ModelCatalog catalog, Collection<? extends Task<?, ?>> tasks) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        Map<String, Task<?, ?>> byName = new LinkedHashMap<>();
        for (Task<?, ?> t : tasks) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("two tasks are named " + t.name());
            }
        }
        this.tasks = Map.copyOf(byName);
        this.taskNames = List.copyOf(byName.keySet());
    }

    /**
     * Reads and validates a pipeline file (UTF-8, at most {@link YamlFiles#MAX_BYTES}). A file
     * that cannot be read (missing, a directory, not UTF-8 text, too large) is an
     * {@link ErrorKind#INVALID_INPUT} error saying which.
     */
    public Pipeline parse(Path file) {
        return parse(YamlFiles.read(file, "pipeline file"), file.toString());
    }

    /**
     * Reads and validates a pipeline document.
     *
     * @param text the YAML
     * @param file what to call the document in messages (its path, usually)
     * @throws PipelineValidationException with every problem found
     */
    public Pipeline parse(String text, String file) {
        return new Validation(file).run(text);
    }

    /** The state of one validation: the problems found so far and what was declared. */
    private final class Validation {
        private final String file;
        private final List<Problem> problems = new ArrayList<>();
        private final Map<String, DeclaredInput> inputs = new LinkedHashMap<>();
        private final Map<String, DeclaredStep> steps = new LinkedHashMap<>();
        private final Map<String, Source> outputs = new LinkedHashMap<>();

        Validation(String file) {
            this.file = file;
        }

        Pipeline run(String text) {
            YamlNode root = YamlReader.read(text, file, problems);
            if (root == null) {
                throw failure();
            }
            if (!(root instanceof YamlNode.Mapping top)) {
                problem(root, "a pipeline document is a mapping with name, steps and outputs, not " + root.describe());
                throw failure();
            }
            unknownKeys(top, TOP_KEYS, "pipeline");
            String name = readName(top);
            String description = optionalText(top.get("description"), "description");
            readInputs(top);
            readSteps(top);
            readOutputs(top);
            resolveStepInputs();
            List<String> order = orderSteps();
            if (!problems.isEmpty()) {
                throw failure();
            }
            Map<String, PipelineInput> pipelineInputs = new LinkedHashMap<>();
            inputs.forEach((n, d) -> pipelineInputs.put(n, new PipelineInput(n, d.type, d.defaultValue, d.description)));
            List<Step> built = new ArrayList<>();
            for (String s : order) {
                DeclaredStep d = steps.get(s);
                built.add(new Step(s, d.task, d.model, d.sources, d.options));
            }
            return new Pipeline(name, description, file, pipelineInputs, built, outputs);
        }

        private PipelineValidationException failure() {
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            return new PipelineValidationException(sorted);
        }

        // ---- top level -------------------------------------------------------------------------

        private String readName(YamlNode.Mapping top) {
            YamlNode.Entry e = top.entry("name");
            if (e == null) {
                problem(top, "missing 'name': every pipeline needs a name");
                return null;
            }
            if (!(e.value() instanceof YamlNode.Scalar s) || !s.isString() || s.text().isBlank()) {
                problem(e.value(), "the pipeline's name must be a text, not " + e.value().describe());
                return null;
            }
            return s.text();
        }

        private String optionalText(YamlNode node, String what) {
            if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
                return null;
            }
            if (node instanceof YamlNode.Scalar s) {
                return s.text();
            }
            problem(node, what + " must be a text, not " + node.describe());
            return null;
        }

        private void readInputs(YamlNode.Mapping top) {
            YamlNode node = top.get("inputs");
            if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
                return;
            }
            if (!(node instanceof YamlNode.Mapping m)) {
                problem(node, "inputs must be a mapping of input names to types, not " + node.describe());
                return;
            }
            for (YamlNode.Entry e : m.entries().values()) {
                if (!validName(e, "input")) {
                    continue;
                }
                DeclaredInput in = new DeclaredInput();
                inputs.put(e.key(), in);
                YamlNode v = e.value();
                if (v instanceof YamlNode.Mapping spec) {
                    unknownKeys(spec, INPUT_KEYS, "input '" + e.key() + "'");
                    YamlNode.Entry type = spec.entry("type");
                    if (type == null) {
                        problemAt(e.line(), e.column(), "input '" + e.key() + "' has no type; types are " + typeNames());
                    } else {
                        in.type = readType(type.value(), e.key());
                    }
                    in.description = optionalText(spec.get("description"), "the description of input '" + e.key() + "'");
                    YamlNode.Entry def = spec.entry("default");
                    if (def != null && in.type != null) {
                        in.defaultValue = readDefault(def.value(), e.key(), in.type);
                    }
                } else {
                    in.type = readType(v, e.key());
                }
            }
        }

        private ValueType readType(YamlNode node, String input) {
            if (!(node instanceof YamlNode.Scalar s) || !s.isString()) {
                problem(node, "the type of input '" + input + "' must be one of " + typeNames() + ", not "
                        + node.describe());
                return null;
            }
            Optional<ValueType> type = ValueType.byName(s.text());
            if (type.isEmpty()) {
                problem(node, "unknown type '" + s.text() + "'"
                        + Suggestions.didYouMean(s.text(), typeNames()) + "; types are " + String.join(", ", typeNames()));
                return null;
            }
            return type.get();
        }

        private Object readDefault(YamlNode node, String input, ValueType type) {
            if (node instanceof YamlNode.Scalar s && s.isNull()) {
                problem(node, "input '" + input + "' has an empty default; leave 'default' out to make the input required");
                return null;
            }
            if (!type.equals(ValueType.TEXT)) {
                problem(node, "input '" + input + "' is " + type + ", which cannot be written in a pipeline document;"
                        + " only text inputs take a default");
                return null;
            }
            if (!(node instanceof YamlNode.Scalar s)) {
                problem(node, "the default of input '" + input + "' must be text, not " + node.describe());
                return null;
            }
            return s.text();
        }

        private void readSteps(YamlNode.Mapping top) {
            YamlNode.Entry entry = top.entry("steps");
            if (entry == null) {
                problem(top, "missing 'steps': a pipeline needs at least one step");
                return;
            }
            YamlNode node = entry.value();
            if (node instanceof YamlNode.Scalar s && s.isNull()
                    || node instanceof YamlNode.Mapping m && m.entries().isEmpty()) {
                problemAt(entry.line(), entry.column(), "'steps' is empty: a pipeline needs at least one step");
                return;
            }
            if (!(node instanceof YamlNode.Mapping m)) {
                problem(node, "steps must be a mapping of step names to steps, not " + node.describe());
                return;
            }
            for (YamlNode.Entry e : m.entries().values()) {
                if (!validName(e, "step")) {
                    continue;
                }
                if (inputs.containsKey(e.key())) {
                    problemAt(e.line(), e.column(), "'" + e.key() + "' is both an input and a step; rename one of them");
                    continue;
                }
                DeclaredStep step = new DeclaredStep(e);
                steps.put(e.key(), step);
                if (!(e.value() instanceof YamlNode.Mapping body)) {
                    problem(e.value(), "step '" + e.key() + "' must be a mapping with task, model and input, not "
                            + e.value().describe());
                    step.broken = true;
                    continue;
                }
                readStep(step, body);
            }
        }

        private void readStep(DeclaredStep step, YamlNode.Mapping body) {
            String name = step.name;
            unknownKeys(body, STEP_KEYS, "step '" + name + "'");
            YamlNode.Entry taskEntry = body.entry("task");
            if (taskEntry == null) {
                problemAt(step.line, step.column, "step '" + name + "' has no task; tasks are " + String.join(", ", taskNames));
            } else if (taskEntry.value() instanceof YamlNode.Scalar s && s.isString()) {
                step.task = tasks.get(s.text());
                if (step.task == null) {
                    problem(s, "unknown task '" + s.text() + "'" + Suggestions.didYouMean(s.text(), taskNames)
                            + "; tasks are " + String.join(", ", taskNames));
                }
            } else {
                problem(taskEntry.value(), "the task of step '" + name + "' must be a task name, not "
                        + taskEntry.value().describe());
            }
            readModel(step, body);
            readOptions(step, body);
            readWiring(step, body);
        }

        private void readModel(DeclaredStep step, YamlNode.Mapping body) {
            YamlNode.Entry modelEntry = body.entry("model");
            if (modelEntry == null) {
                problemAt(step.line, step.column, "step '" + step.name + "' has no model");
                return;
            }
            if (!(modelEntry.value() instanceof YamlNode.Scalar s) || s.isNull() || s.text().isBlank()) {
                problem(modelEntry.value(), "the model of step '" + step.name + "' must be a model name, not "
                        + modelEntry.value().describe());
                return;
            }
            step.model = s.text();
            Optional<Set<Class<?>>> modalities = catalog.modalities(step.model);
            if (modalities.isEmpty()) {
                problem(s, "unknown model '" + step.model + "'" + Suggestions.didYouMean(step.model, catalog.names())
                        + "; fetch it or give the path of its folder");
                return;
            }
            if (step.task != null && modalities.get().stream().noneMatch(step.task::isOfferedBy)) {
                List<String> offered = new ArrayList<>();
                for (Task<?, ?> t : tasks.values()) {
                    if (modalities.get().stream().anyMatch(t::isOfferedBy)) {
                        offered.add(t.name());
                    }
                }
                problem(s, "model '" + step.model + "' does not offer " + step.task.name() + "; it offers "
                        + (offered.isEmpty() ? "none of the known tasks" : String.join(", ", offered)));
            }
        }

        private void readOptions(DeclaredStep step, YamlNode.Mapping body) {
            YamlNode.Entry entry = body.entry("options");
            Task<?, ?> task = step.task;
            if (entry == null || entry.value() instanceof YamlNode.Scalar s && s.isNull()) {
                if (task != null) {
                    step.options = task.defaults();
                }
                return;
            }
            if (!(entry.value() instanceof YamlNode.Mapping options)) {
                problem(entry.value(), "the options of step '" + step.name + "' must be a mapping, not "
                        + entry.value().describe());
                return;
            }
            if (task == null) {
                return;   // nothing to check them against; the unknown task is reported
            }
            Class<? extends Record> type = task.optionsType();
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, YamlNode.Entry> byCanonical = new HashMap<>();
            boolean ok = true;
            for (YamlNode.Entry o : options.entries().values()) {
                Optional<String> canonical = OptionBinder.canonicalName(type, o.key());
                if (canonical.isEmpty()) {
                    problemAt(o.line(), o.column(), "step '" + step.name + "': " + OptionBinder.check(type, o.key(), null));
                    ok = false;
                    continue;
                }
                YamlNode.Entry earlier = byCanonical.putIfAbsent(canonical.get(), o);
                if (earlier != null) {
                    problemAt(o.line(), o.column(), "step '" + step.name + "': option '" + o.key() + "' is '"
                            + earlier.key() + "' again (line " + earlier.line() + ")");
                    ok = false;
                    continue;
                }
                Object value = o.value().toJava();
                String wrong = OptionBinder.check(type, o.key(), value);
                if (wrong != null) {
                    problem(o.value(), "step '" + step.name + "': " + wrong);
                    ok = false;
                    continue;
                }
                values.put(o.key(), value);
            }
            if (!ok) {
                return;
            }
            try {
                step.options = task.options(values);
            } catch (GenloomException | IllegalStateException e) {
                // A constraint of the record: point at the option it names, where it names one.
                YamlNode where = null;
                String message = e instanceof GenloomException || e.getCause() == null ? e.getMessage()
                        : e.getMessage() + ": " + e.getCause();
                for (Map.Entry<String, YamlNode.Entry> c : byCanonical.entrySet()) {
                    if (message.startsWith(c.getKey() + " ") || message.startsWith(c.getKey() + ":")) {
                        where = c.getValue().value();
                        break;
                    }
                }
                if (where != null) {
                    problem(where, "step '" + step.name + "': " + message);
                } else {
                    problemAt(entry.line(), entry.column(), "step '" + step.name + "': " + message);
                }
            }
        }

        private void readWiring(DeclaredStep step, YamlNode.Mapping body) {
            YamlNode.Entry single = body.entry("input");
            YamlNode.Entry many = body.entry("inputs");
            Task<?, ?> task = step.task;
            if (single != null && many != null) {
                YamlNode.Entry later = single.line() > many.line()
                        || single.line() == many.line() && single.column() > many.column() ? single : many;
                problemAt(later.line(), later.column(), "step '" + step.name
                        + "' has both 'input' and 'inputs'; use 'input' for the task's first input alone,"
                        + " or 'inputs' to feed inputs by name");
                step.broken = true;
                return;
            }
            if (single != null) {
                if (task != null) {
                    step.refs.put(task.primaryInput().name(), single.value());
                } else {
                    step.refs.put("", single.value());   // checked as a reference, fed to nothing known
                }
            } else if (many != null) {
                if (!(many.value() instanceof YamlNode.Mapping ports)) {
                    problem(many.value(), "'inputs' of step '" + step.name
                            + "' must be a mapping of input names to references, not " + many.value().describe());
                    step.broken = true;
                    return;
                }
                for (YamlNode.Entry p : ports.entries().values()) {
                    if (task != null && task.input(p.key()).isEmpty()) {
                        List<String> names = task.inputs().stream().map(Port::name).toList();
                        problemAt(p.line(), p.column(), "step '" + step.name + "': " + task.name() + " has no input '"
                                + p.key() + "'" + Suggestions.didYouMean(p.key(), names) + "; its inputs are "
                                + String.join(", ", names));
                        step.refs.put("\0" + p.key(), p.value());   // still check the reference itself
                        continue;
                    }
                    step.refs.put(p.key(), p.value());
                }
            }
            if (task != null) {
                for (Port port : task.inputs()) {
                    if (!step.refs.containsKey(port.name()) && !step.broken) {
                        String how = port.equals(task.primaryInput()) && task.inputs().size() == 1
                                ? "add 'input: NAME'" : "add it under 'inputs: {" + port.name() + ": NAME}'";
                        problemAt(step.line, step.column, "step '" + step.name + "' input '" + port.name() + "' ("
                                + port.type() + ") is not fed; " + how);
                    }
                }
            }
        }

        private void readOutputs(YamlNode.Mapping top) {
            YamlNode.Entry entry = top.entry("outputs");
            if (entry == null) {
                problem(top, "missing 'outputs': a pipeline needs at least one output");
                return;
            }
            YamlNode node = entry.value();
            if (node instanceof YamlNode.Scalar s && s.isNull()
                    || node instanceof YamlNode.Mapping m && m.entries().isEmpty()) {
                problemAt(entry.line(), entry.column(), "'outputs' is empty: a pipeline needs at least one output");
                return;
            }
            if (!(node instanceof YamlNode.Mapping m)) {
                problem(node, "outputs must be a mapping of output names to references, not " + node.describe());
                return;
            }
            for (YamlNode.Entry e : m.entries().values()) {
                Resolved r = resolve(e.value());
                if (r != null) {
                    outputs.put(e.key(), r.source);
                }
            }
        }

        // ---- references ------------------------------------------------------------------------

        private void resolveStepInputs() {
            for (DeclaredStep step : steps.values()) {
                for (Map.Entry<String, YamlNode> ref : step.refs.entrySet()) {
                    Resolved r = resolve(ref.getValue());
                    if (r == null) {
                        continue;
                    }
                    if (r.source instanceof Source.StepOutput out) {
                        step.dependsOn.putIfAbsent(out.step(), ref.getValue());
                    }
                    Optional<Port> port = step.task == null ? Optional.empty() : step.task.input(ref.getKey());
                    if (port.isEmpty()) {
                        continue;
                    }
                    step.sources.put(port.get().name(), r.source);
                    if (r.type != null && !r.type.equals(port.get().type())) {
                        problem(ref.getValue(), "step '" + step.name + "' input '" + port.get().name() + "' expects "
                                + port.get().type() + ", but '" + r.written + "' is " + r.type);
                    }
                }
            }
        }

        /** A reference resolved: its source, and its type where known. */
        private record Resolved(Source source, ValueType type, String written) {
        }

        private Resolved resolve(YamlNode node) {
            if (!(node instanceof YamlNode.Scalar s) || !s.isString() || s.text().isBlank()) {
                problem(node, "a reference is NAME (an input, or a step's first output) or STEP.OUTPUT, not "
                        + node.describe());
                return null;
            }
            String written = s.text().trim();
            int dot = written.indexOf('.');
            String head = dot < 0 ? written : written.substring(0, dot);
            String port = dot < 0 ? null : written.substring(dot + 1);
            if (inputs.containsKey(head)) {
                if (port != null) {
                    problem(node, "'" + head + "' is a pipeline input, which has no outputs; write '" + head + "'");
                    return null;
                }
                return new Resolved(new Source.Input(head), inputs.get(head).type, written);
            }
            DeclaredStep step = steps.get(head);
            if (step == null) {
                Set<String> known = new LinkedHashSet<>(inputs.keySet());
                known.addAll(steps.keySet());
                problem(node, "unknown step or input '" + head + "'" + Suggestions.didYouMean(head, known)
                        + (known.isEmpty() ? "" : "; known are " + String.join(", ", known)));
                return null;
            }
            if (step.task == null) {
                // The step's task is unknown (and reported); its ports cannot be checked.
                return new Resolved(new Source.StepOutput(head, port == null ? "" : port), null, written);
            }
            Port out;
            if (port == null) {
                out = step.task.primaryOutput();
            } else {
                Optional<Port> p = step.task.output(port);
                if (p.isEmpty()) {
                    List<String> names = step.task.outputs().stream().map(Port::name).toList();
                    problem(node, "step '" + head + "' (" + step.task.name() + ") has no output '" + port + "'"
                            + Suggestions.didYouMean(port, names) + "; its outputs are " + String.join(", ", names));
                    return null;
                }
                out = p.get();
            }
            return new Resolved(new Source.StepOutput(head, out.name()), out.type(), written);
        }

        // ---- order and cycles ------------------------------------------------------------------

        /** The steps in an order where each comes after those it reads from; reports cycles. */
        private List<String> orderSteps() {
            Set<String> done = new HashSet<>();
            List<String> onPath = new ArrayList<>();
            Set<Set<String>> reported = new HashSet<>();
            for (String s : steps.keySet()) {
                findCycles(s, done, onPath, reported);
            }
            if (!reported.isEmpty()) {
                return List.of();
            }
            // Kahn's algorithm, ties broken by the order in the file.
            Map<String, Integer> waiting = new LinkedHashMap<>();
            steps.forEach((n, d) -> waiting.put(n, d.dependsOn.size()));
            List<String> order = new ArrayList<>();
            while (order.size() < steps.size()) {
                String next = null;
                for (Map.Entry<String, Integer> w : waiting.entrySet()) {
                    if (w.getValue() == 0) {
                        next = w.getKey();
                        break;
                    }
                }
                if (next == null) {
                    throw new IllegalStateException("no step is ready, but no cycle was found");
                }
                waiting.remove(next);
                order.add(next);
                for (Map.Entry<String, Integer> w : waiting.entrySet()) {
                    if (steps.get(w.getKey()).dependsOn.containsKey(next)) {
                        w.setValue(w.getValue() - 1);
                    }
                }
            }
            return order;
        }

        private void findCycles(String step, Set<String> done, List<String> onPath, Set<Set<String>> reported) {
            if (done.contains(step)) {
                return;
            }
            onPath.add(step);
            for (Map.Entry<String, YamlNode> dep : steps.get(step).dependsOn.entrySet()) {
                int at = onPath.indexOf(dep.getKey());
                if (at >= 0) {
                    List<String> cycle = onPath.subList(at, onPath.size());
                    if (reported.add(Set.copyOf(cycle))) {
                        // onPath runs from readers to what they read; data flows the other way.
                        List<String> flow = new ArrayList<>();
                        flow.add(cycle.get(0));
                        for (int i = cycle.size() - 1; i >= 0; i--) {
                            flow.add(cycle.get(i));
                        }
                        problem(dep.getValue(), "steps form a cycle: " + String.join(" -> ", flow));
                    }
                } else if (steps.containsKey(dep.getKey())) {
                    findCycles(dep.getKey(), done, onPath, reported);
                }
            }
            onPath.remove(onPath.size() - 1);
            done.add(step);
        }

        // ---- helpers ---------------------------------------------------------------------------

        private boolean validName(YamlNode.Entry e, String what) {
            String n = e.key();
            if (n.isBlank() || n.contains(".") || n.chars().anyMatch(Character::isWhitespace)) {
                problemAt(e.line(), e.column(), "'" + n + "' cannot be the name of an " + what
                        + ": names must not be empty or contain dots or spaces");
                return false;
            }
            return true;
        }

        private void unknownKeys(YamlNode.Mapping m, List<String> known, String where) {
            for (YamlNode.Entry e : m.entries().values()) {
                if (!known.contains(e.key())) {
                    problemAt(e.line(), e.column(), "unknown key '" + e.key() + "' in " + where
                            + Suggestions.didYouMean(e.key(), known) + "; keys are " + String.join(", ", known));
                }
            }
        }

        private List<String> typeNames() {
            return ValueType.all().stream().map(ValueType::name).toList();
        }

        private void problem(YamlNode at, String message) {
            if (at instanceof YamlNode.Alias) {
                return;   // the alias itself is reported; what it stands for is unknown
            }
            problemAt(at.line(), at.column(), message);
        }

        private void problemAt(int line, int column, String message) {
            problems.add(new Problem(file, line, column, message));
        }
    }

    private static final class DeclaredInput {
        ValueType type;
        Object defaultValue;
        String description;
    }

    private static final class DeclaredStep {
        final String name;
        final int line;
        final int column;
        Task<?, ?> task;
        String model;
        Record options;
        boolean broken;
        /** Port name to the reference as written ("" or "\0port" for ports that are not the task's). */
        final Map<String, YamlNode> refs = new LinkedHashMap<>();
        final Map<String, Source> sources = new LinkedHashMap<>();
        /** The steps this one reads from, each with the first reference to it. */
        final Map<String, YamlNode> dependsOn = new LinkedHashMap<>();

        DeclaredStep(YamlNode.Entry e) {
            this.name = e.key();
            this.line = e.line();
            this.column = e.column();
        }
    }
}
