package dev.genloom.runtime.pipeline;

import dev.genloom.api.GenloomException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a pipeline run produced: the outputs by name, and how long each step and the whole run took.
 *
 * @param outputs    the output values by name, in the order of the document
 * @param timings    each step's timing by step name, in the order the steps started
 * @param totalNanos the wall time of the whole run
 */
public record PipelineResult(Map<String, Object> outputs, Map<String, StepTiming> timings, long totalNanos) {
    public PipelineResult {
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        timings = Collections.unmodifiableMap(new LinkedHashMap<>(timings));
    }

    /** One output; INVALID_INPUT where the pipeline has no output of that name. */
    public Object output(String name) {
        Object v = outputs.get(name);
        if (v == null) {
            throw GenloomException.invalidInput("the pipeline has no output '" + name + "'; outputs are "
                    + String.join(", ", outputs.keySet()));
        }
        return v;
    }

    /** One output as the given type. */
    public <T> T output(String name, Class<T> type) {
        Object v = output(name);
        if (!type.isInstance(v)) {
            throw GenloomException.invalidInput("output '" + name + "' is a " + v.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    public StepTiming timing(String step) {
        StepTiming t = timings.get(step);
        if (t == null) {
            throw GenloomException.invalidInput("no step '" + step + "' ran");
        }
        return t;
    }
}
