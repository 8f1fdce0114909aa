package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Model;
import dev.genloom.api.task.Progress;
import dev.genloom.api.task.Suggestions;
import dev.genloom.api.task.Task;
import dev.genloom.runtime.concurrent.Lazy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One run of a pipeline. Steps whose inputs are all there are handed to the pool; when a step
 * ends, the steps that were waiting only for it are handed on. The caller's thread waits until no
 * step is running and either all have ended or one failed.
 */
final class PipelineRun {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);

    private final Pipeline pipeline;
    private final Map<String, ?> given;
    private final ModelProvider models;
    private final ExecutorService pool;
    private final PipelineListener listener;

    private final Map<String, List<Step>> dependents = new HashMap<>();
    /** Each distinct model once per run, even when several steps ask for it at once. */
    private final Map<String, Lazy<Model>> acquired = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> results = new ConcurrentHashMap<>();
    private Map<String, Object> inputs;
    private long start;

    private final Object lock = new Object();
    /** Guarded by lock: how many steps each step still waits for. */
    private final Map<String, Integer> waiting = new HashMap<>();
    /** Guarded by lock: timings in the order steps started. */
    private final Map<String, StepTiming> timings = new LinkedHashMap<>();
    /** Guarded by lock: steps handed to the pool that have not ended. */
    private int inFlight;
    /** Guarded by lock: the first failure; once set, no step starts. */
    private GenloomException failure;

    PipelineRun(Pipeline pipeline, Map<String, ?> given, ModelProvider models, ExecutorService pool,
                PipelineListener listener) {
        this.pipeline = pipeline;
        this.given = given == null ? Map.of() : given;
        this.models = Objects.requireNonNull(models, "models");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.listener = listener;
    }

    PipelineResult execute() {
        inputs = checkInputs();
        for (Step s : pipeline.steps()) {
            waiting.put(s.name(), s.dependencies().size());
            for (String d : s.dependencies()) {
                dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s);
            }
        }
        start = System.nanoTime();
        List<Step> ready = new ArrayList<>();
        synchronized (lock) {
            for (Step s : pipeline.steps()) {
                if (waiting.get(s.name()) == 0) {
                    ready.add(s);
                }
            }
            inFlight += ready.size();
        }
        if (ready.size() == 1) {
            runChain(ready.get(0)); // one step to start with: run it here rather than hand it off and wait
        } else {
            submit(ready);
        }
        synchronized (lock) {
            try {
                while (inFlight > 0) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = GenloomException.runFailed("pipeline '" + pipeline.name()
                            + "' was interrupted; steps already running finish on their own", e);
                }
                throw failure;
            }
            if (failure != null) {
                throw failure;
            }
            if (results.size() != pipeline.steps().size()) {
                throw new IllegalStateException("pipeline " + pipeline.name() + " ended with steps not run");
            }
        }
        long total = System.nanoTime() - start;
        Map<String, Object> outputs = new LinkedHashMap<>();
        pipeline.outputs().forEach((name, source) -> outputs.put(name, value(source)));
        Map<String, StepTiming> times;
        synchronized (lock) {
            times = new LinkedHashMap<>(timings);
        }
        return new PipelineResult(outputs, times, total);
    }

    /** The given inputs with defaults filled in; INVALID_INPUT listing every mistake. */
    private Map<String, Object> checkInputs() {
        List<String> wrong = new ArrayList<>();
        Map<String, PipelineInput> declared = pipeline.inputs();
        for (String name : given.keySet()) {
            if (!declared.containsKey(name)) {
                wrong.add("unknown input '" + name + "'" + Suggestions.didYouMean(name, declared.keySet())
                        + (declared.isEmpty() ? "; the pipeline takes no inputs"
                        : "; its inputs are " + String.join(", ", declared.keySet())));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (PipelineInput in : declared.values()) {
            Object v = given.get(in.name());
            if (v == null) {
                if (in.required()) {
                    wrong.add("missing input '" + in.name() + "' (" + in.type() + ")");
                } else {
                    out.put(in.name(), in.defaultValue());
                }
            } else if (!in.type().accepts(v)) {
                wrong.add("input '" + in.name() + "' must be " + in.type() + " (" + in.type().javaType().getSimpleName()
                        + "), got " + v.getClass().getSimpleName());
            } else {
                out.put(in.name(), v);
            }
        }
        if (!wrong.isEmpty()) {
            throw GenloomException.invalidInput("pipeline '" + pipeline.name() + "': " + String.join("; ", wrong),
                    "give " + (declared.isEmpty() ? "no inputs" : "its inputs: " + describeInputs()));
        }
        return out;
    }

    private String describeInputs() {
        List<String> parts = new ArrayList<>();
        for (PipelineInput in : pipeline.inputs().values()) {
            parts.add(in.name() + " (" + in.type() + (in.required() ? "" : ", optional") + ")");
        }
        return String.join(", ", parts);
    }

    private void submit(List<Step> ready) {
        for (Step s : ready) {
            try {
                pool.execute(() -> runChain(s));
            } catch (RejectedExecutionException e) {
                synchronized (lock) {
                    inFlight--;
                    if (failure == null) {
                        failure = GenloomException.runFailed("pipeline '" + pipeline.name() + "': step '" + s.name()
                                + "' could not start: the pool refused it (is it shut down?)", e);
                    }
                    lock.notifyAll();
                }
            }
        }
    }

    /**
     * Runs a step, then on this same thread each step that becomes ready as the only one, so a
     * chain costs no hand-offs; where several become ready at once they go to the pool.
     */
    private void runChain(Step first) {
        Step step = first;
        while (step != null) {
            step = runStep(step);
        }
    }

    /** Runs one step; returns the one step to run next on this thread, or null. */
    private Step runStep(Step step) {
        synchronized (lock) {
            if (failure != null) {
                inFlight--;
                lock.notifyAll();
                return null;
            }
        }
        long t0 = System.nanoTime();
        String thread = Thread.currentThread().getName();
        tell(() -> listener.stepStarted(step));
        Map<String, Object> out = null;
        Throwable error = null;
        long modelNanos = 0;
        try {
            Model model = acquired.computeIfAbsent(step.model(), this::acquisition).get();
            modelNanos = System.nanoTime() - t0;
            // The inputs were checked once: the pipeline's when the run began, the others as the
            // outputs of the steps that made them.
            Map<String, Object> in = new LinkedHashMap<>();
            step.inputs().forEach((port, source) -> in.put(port, value(source)));
            Progress progress = (done, total) -> tell(() -> listener.stepProgress(step, done, total));
            out = call(step.task(), model, in, step.options(), progress);
        } catch (Throwable t) {   // Errors too: a run must end, and say why, whatever happens in a step
            error = t;   // wrapped once, in stepFailure, naming the step, the task and the model
        }
        long wall = System.nanoTime() - t0;
        GenloomException failed = error == null ? null : stepFailure(step, error);
        if (failed == null) {
            results.put(step.name(), out);
            tell(() -> listener.stepFinished(step, wall));
        } else {
            Throwable cause = error;
            tell(() -> listener.stepFailed(step, cause));
        }
        List<Step> ready = new ArrayList<>();
        synchronized (lock) {
            timings.put(step.name(), new StepTiming(step.name(), t0 - start, wall, modelNanos, thread));
            if (failed != null && failure == null) {
                failure = failed;
            }
            if (failure == null) {
                for (Step d : dependents.getOrDefault(step.name(), List.of())) {
                    int left = waiting.merge(d.name(), -1, Integer::sum);
                    if (left == 0) {
                        ready.add(d);
                    }
                }
            }
            inFlight += ready.size() - 1;
            lock.notifyAll();
        }
        if (ready.size() == 1) {
            return ready.get(0);
        }
        submit(ready);
        return null;
    }

    /** How this run acquires a model from the provider, the first time a step asks for it. */
    private Lazy<Model> acquisition(String name) {
        return new Lazy<>(() -> {
            Model m = models.acquire(name);
            if (m == null) {
                throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, "the model provider has no model '" + name + "'");
            }
            return m;
        });
    }

    private Object value(Source source) {
        if (source instanceof Source.Input in) {
            return inputs.get(in.name());
        }
        Source.StepOutput out = (Source.StepOutput) source;
        return results.get(out.step()).get(out.port());
    }

    private static <M extends Model, O extends Record> Map<String, Object> call(
            Task<M, O> task, Model model, Map<String, Object> in, Record options, Progress progress) {
        return task.call(model, in, task.optionsType().cast(options), progress);
    }

    private static GenloomException stepFailure(Step step, Throwable error) {
        String cause;
        String hint = null;
        if (error instanceof GenloomException g) {
            cause = g.getMessage();
            hint = g.hint();
        } else {
            cause = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        }
        return new GenloomException(ErrorKind.RUN_FAILED, "step '" + step.name() + "' (" + step.task().name()
                + " on model '" + step.model() + "') failed: " + cause, hint, error);
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("a pipeline listener failed; the run goes on", e);
        }
    }
}
