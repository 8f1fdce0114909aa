package dev.genloom.runtime.pipeline;

import dev.genloom.api.task.Task;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One validated step of a pipeline: a task run on a model with bound options, each task input fed
 * from a pipeline input or another step's output.
 *
 * @param name    the step's name in the document
 * @param task    the task it runs
 * @param model   the model's name
 * @param inputs  where each input port of the task takes its value from, by port name
 * @param options the task's options record, bound from the document's options
 */
public record Step(String name, Task<?, ?> task, String model, Map<String, Source> inputs, Record options) {
    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(model, "model");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        Objects.requireNonNull(options, "options");
        if (!task.optionsType().isInstance(options)) {
            throw new IllegalArgumentException("options of step " + name + " are not " + task.optionsType());
        }
    }

    /** The steps whose outputs this one reads, in port order. */
    public List<String> dependencies() {
        Set<String> out = new LinkedHashSet<>();
        task.inputs().forEach(port -> {
            if (inputs.get(port.name()) instanceof Source.StepOutput s) {
                out.add(s.step());
            }
        });
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return name + " (" + task.name() + " on " + model + ")";
    }
}
