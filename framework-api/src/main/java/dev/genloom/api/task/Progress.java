package dev.genloom.api.task;

/** Told how far a long piece of work has come: {@code done} of {@code total} units. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> { };

    void update(long done, long total);
}
