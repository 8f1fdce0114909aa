package dev.genloom.api.task;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

/**
 * A model threw something other than a {@link GenloomException} while running a task. The message
 * names the task and the model; the cause is what the model threw.
 */
public final class TaskFailedException extends GenloomException {
    private static final long serialVersionUID = 1L;

    private final String task;

    TaskFailedException(String task, String message, RuntimeException cause) {
        super(ErrorKind.RUN_FAILED, message, null, cause);
        this.task = task;
    }

    /** The name of the task that failed. */
    public String task() {
        return task;
    }
}
