package dev.genloom.api.task;

/** Told how far a long piece of work has come: {@code done} of {@code total} units. */
@FunctionalInterface
public interface Progress {
    /** Progress that goes nowhere. */
    Progress NONE = (done, total) -> { };

    /** Told that {@code done} of {@code total} units are done. */
    void update(long done, long total);
}
