package dev.genloom.api.task;

/** A named, typed input or output of a task. */
public record Port(String name, ValueType type, String description) {
}
