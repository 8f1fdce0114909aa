package dev.genloom.api.task;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Model;
import dev.genloom.api.ModelInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A modality as the host's generic machinery (pipelines, the CLI's {@code run}) sees it: a name,
 * the model interface that offers it, typed inputs and outputs, an options record, and how to call
 * the model. Adding a modality to Genloom is adding its interface, its values and one of these to
 * {@link Tasks}; nothing in the host changes.
 *
 * @param <M> the modality interface
 * @param <O> the options record
 */
public final class Task<M extends Model, O extends Record> {

    /** Calls a model: inputs by port name in, outputs by port name out. */
    @FunctionalInterface
    public interface Invoker<M, O> {
        /** Calls the model with the inputs (every one present and of its type) and the options. */
        Map<String, Object> invoke(M model, Map<String, Object> inputs, O options, Progress progress);
    }

    private final String name;
    private final String description;
    private final Class<M> modality;
    private final Class<O> optionsType;
    private final O defaults;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private final Invoker<M, O> invoker;

    /**
     * A task.
     *
     * @param name        its name in pipelines and on the command line ({@code text-to-text})
     * @param description what it does, in a few words
     * @param modality    the model interface that offers it
     * @param optionsType its options record
     * @param defaults    the options where none are given
     * @param inputs      its inputs, the first being the one a step's {@code input:} feeds
     * @param outputs     its outputs, the first being the one a reference to the step alone means
     * @param invoker     how to call a model
     * @throws IllegalArgumentException where it has no input or no output
     */
    public Task(String name, String description, Class<M> modality, Class<O> optionsType, O defaults,
                List<Port> inputs, List<Port> outputs, Invoker<M, O> invoker) {
        this.name = Objects.requireNonNull(name);
        this.description = description;
        this.modality = Objects.requireNonNull(modality);
        this.optionsType = Objects.requireNonNull(optionsType);
        this.defaults = Objects.requireNonNull(defaults);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.invoker = Objects.requireNonNull(invoker);
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " needs at least one input and one output");
        }
    }

    /** Its name in pipelines and on the command line. */
    public String name() {
        return name;
    }

    /** What it does, in a few words. */
    public String description() {
        return description;
    }

    /** The model interface that offers it. */
    public Class<M> modality() {
        return modality;
    }

    /** Its options record. */
    public Class<O> optionsType() {
        return optionsType;
    }

    /** The options where none are given. */
    public O defaults() {
        return defaults;
    }

    /** Its inputs, in order. */
    public List<Port> inputs() {
        return inputs;
    }

    /** Its outputs, in order. */
    public List<Port> outputs() {
        return outputs;
    }

    /** The first input: the one a pipeline step's {@code input:} feeds. */
    public Port primaryInput() {
        return inputs.get(0);
    }

    /** The first output: the one a reference to the step alone means. */
    public Port primaryOutput() {
        return outputs.get(0);
    }

    /** The input of this name, if there is one. */
    public Optional<Port> input(String port) {
        return inputs.stream().filter(p -> p.name().equals(port)).findFirst();
    }

    /** The output of this name, if there is one. */
    public Optional<Port> output(String port) {
        return outputs.stream().filter(p -> p.name().equals(port)).findFirst();
    }

    /** The names of its options, camelCase, in declaration order. */
    public List<String> optionNames() {
        return OptionBinder.names(optionsType);
    }

    /** The options record from names and values; INVALID_INPUT where a name or value is wrong. */
    public O options(Map<String, ?> values) {
        return OptionBinder.bind(optionsType, defaults, values);
    }

    /**
     * Checks one option, its name, type and the options record's constraints, without running
     * anything: null where it is fine, else what is wrong.
     */
    public String checkOption(String name, Object value) {
        return OptionBinder.check(optionsType, defaults, name, value);
    }

    /** Whether models of this class offer this task. */
    public boolean isOfferedBy(Class<?> modelClass) {
        return modality.isAssignableFrom(modelClass);
    }

    /**
     * Runs the task on a model, for a caller that hands in inputs of its own: checks that every
     * input is present and of its type, then {@linkplain #call calls} the model. Null options mean
     * the defaults, null progress none. A failure inside the model that is not already a
     * {@link GenloomException} becomes a {@link TaskFailedException} of kind
     * {@link ErrorKind#RUN_FAILED} naming the task and the model.
     *
     * @throws GenloomException {@code INVALID_INPUT} for an input missing or of the wrong type;
     *                          what {@link #call} throws, a model's other failures wrapped once
     */
    public Map<String, Object> run(Model model, Map<String, Object> given, O options, Progress progress) {
        Objects.requireNonNull(model, "model");
        Map<String, Object> in = new LinkedHashMap<>();
        for (Port p : inputs) {
            Object v = given.get(p.name());
            if (v == null) {
                throw GenloomException.invalidInput(name + " needs its input '" + p.name() + "' (" + p.type() + ")");
            }
            if (!p.type().accepts(v)) {
                throw GenloomException.invalidInput(name + " input '" + p.name() + "' must be " + p.type()
                        + ", got " + v.getClass().getSimpleName());
            }
            in.put(p.name(), v);
        }
        try {
            return call(model, in, options, progress);
        } catch (GenloomException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TaskFailedException(name, name + " on " + describe(model) + " failed: " + e, e);
        }
    }

    /**
     * Calls a model with inputs already checked, as a pipeline does (it checks its inputs before
     * any step runs, and each step's outputs as they come): checks that the model offers the task,
     * calls it and checks its outputs. Null options mean the defaults, null progress none. What
     * the model throws is passed on as it is, for the caller to say once where it happened.
     *
     * @param inputs every input of the task by port name, each of its port's type
     * @throws GenloomException {@code UNSUPPORTED} where the model does not offer the task;
     *                          {@code PLUGIN_FAILURE} where an output is missing or of the wrong type
     */
    public Map<String, Object> call(Model model, Map<String, Object> inputs, O options, Progress progress) {
        Objects.requireNonNull(model, "model");
        if (!modality.isInstance(model)) {
            throw GenloomException.unsupported(describe(model) + " does not do " + name,
                    "pick a model whose family offers " + name);
        }
        Map<String, Object> out = invoker.invoke(modality.cast(model), inputs, options == null ? defaults : options,
                progress == null ? Progress.NONE : progress);
        for (Port p : outputs) {
            Object v = out == null ? null : out.get(p.name());
            if (v == null || !p.type().accepts(v)) {
                throw new GenloomException(ErrorKind.PLUGIN_FAILURE, name + " on " + describe(model) + " gave "
                        + (v == null ? "no value" : "a " + v.getClass().getSimpleName()) + " for output '" + p.name()
                        + "', which must be " + p.type());
            }
        }
        return out;
    }

    private static String describe(Model model) {
        ModelInfo info = model.info();
        return info == null ? "model " + model.getClass().getSimpleName()
                : "model '" + info.name() + "' (" + info.family() + ")";
    }

    @Override
    public String toString() {
        return name;
    }
}
