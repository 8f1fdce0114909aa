package dev.genloom.runtime.pipeline;

import java.util.ArrayList;
import java.util.List;

/** A listener that writes down what it is told, as "event step [detail]" lines, in order. */
final class Recorder implements PipelineListener {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void stepStarted(Step step) {
        events.add("started " + step.name());
    }

    @Override
    public synchronized void stepProgress(Step step, long done, long total) {
        events.add("progress " + step.name() + " " + done + "/" + total);
    }

    @Override
    public synchronized void stepFinished(Step step, long nanos) {
        events.add("finished " + step.name());
    }

    @Override
    public synchronized void stepFailed(Step step, Throwable error) {
        events.add("failed " + step.name() + " " + error.getMessage());
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized List<String> events(String kind) {
        return events.stream().filter(e -> e.startsWith(kind + " ")).toList();
    }

    synchronized int indexOf(String event) {
        int i = events.indexOf(event);
        if (i < 0) {
            throw new AssertionError("no event '" + event + "' in " + events);
        }
        return i;
    }
}
