package dev.genloom.runtime.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A validated pipeline: its inputs with their types and defaults, its steps in dependency order,
 * and its outputs. Made by {@link PipelineParser}; immutable, and may be run any number of times,
 * also concurrently.
 */
public final class Pipeline {
    private final String name;
    private final String description;
    private final String source;
    private final Map<String, PipelineInput> inputs;
    private final List<Step> steps;
    private final Map<String, Step> stepsByName;
    private final Map<String, Source> outputs;

    Pipeline(String name, String description, String source, Map<String, PipelineInput> inputs, List<Step> steps,
             Map<String, Source> outputs) {
        this.name = name;
        this.description = description;
        this.source = source;
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        this.steps = List.copyOf(steps);
        Map<String, Step> byName = new LinkedHashMap<>();
        steps.forEach(s -> byName.put(s.name(), s));
        this.stepsByName = Collections.unmodifiableMap(byName);
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    public String name() {
        return name;
    }

    /** The description, or null. */
    public String description() {
        return description;
    }

    /** Where the pipeline was read from (the file name used in messages). */
    public String source() {
        return source;
    }

    /** The inputs by name, in the order of the document. */
    public Map<String, PipelineInput> inputs() {
        return inputs;
    }

    /** The steps in dependency order: each after every step it reads from. */
    public List<Step> steps() {
        return steps;
    }

    public Optional<Step> step(String name) {
        return Optional.ofNullable(stepsByName.get(name));
    }

    /** The outputs by name, in the order of the document. */
    public Map<String, Source> outputs() {
        return outputs;
    }

    /** The distinct models the steps use, in step order. */
    public Set<String> models() {
        Set<String> out = new LinkedHashSet<>();
        steps.forEach(s -> out.add(s.model()));
        return Collections.unmodifiableSet(out);
    }

    /** The steps that read the given step's outputs. */
    public List<Step> dependents(String step) {
        List<Step> out = new ArrayList<>();
        for (Step s : steps) {
            if (s.dependencies().contains(step)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Runs the pipeline: steps in dependency order, independent ones in parallel on the pool, each
     * distinct model acquired once from the provider. Returns when every step has finished; after
     * a failure no new step starts, and it returns (throwing) once the steps already running end.
     *
     * @param values   the input values by name; inputs with defaults may be left out
     * @param models   where the models come from; the run does not close them
     * @param pool     runs the steps; the calling thread only waits
     * @param listener told of each step's start, progress, end or failure (from pool threads)
     * @throws dev.genloom.api.GenloomException INVALID_INPUT for missing, unknown or mistyped
     *         inputs (before any step starts); RUN_FAILED naming the step, task and model where a
     *         step fails
     */
    public PipelineResult run(Map<String, ?> values, ModelProvider models, ExecutorService pool,
                              PipelineListener listener) {
        return new PipelineRun(this, values, models, pool, listener == null ? PipelineListener.NONE : listener)
                .execute();
    }

    /** {@link #run(Map, ModelProvider, ExecutorService, PipelineListener)} without a listener. */
    public PipelineResult run(Map<String, ?> values, ModelProvider models, ExecutorService pool) {
        return run(values, models, pool, PipelineListener.NONE);
    }

    @Override
    public String toString() {
        return "pipeline " + name + " (" + source + ", " + steps.size() + " steps)";
    }
}
