package dev.genloom.runtime.plugins;

import org.pf4j.PluginRuntimeException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;

/** Helpers for turning throwables into the short text of a {@link PluginProblem}. */
final class Problems {

    private Problems() {
    }

    /** The throwable that says what really happened, past reflection and PF4J wrappers. */
    static Throwable root(Throwable t) {
        Throwable current = t;
        for (int depth = 0; depth < 10 && current != null; depth++) {
            Throwable next = null;
            if (current instanceof InvocationTargetException ite) {
                next = ite.getCause();
            } else if (current instanceof ExceptionInInitializerError eiie) {
                next = eiie.getCause();
            } else if (current instanceof UndeclaredThrowableException ute) {
                next = ute.getCause();
            } else if (current instanceof PluginRuntimeException && current.getCause() != null) {
                next = current.getCause();
            }
            if (next == null) {
                break;
            }
            current = next;
        }
        return current == null ? t : current;
    }

    /** {@code SimpleName: message} of the root cause. */
    static String describe(Throwable t) {
        Throwable root = root(t);
        String message = root.getMessage();
        String name = root.getClass().getSimpleName().isEmpty() ? root.getClass().getName()
                : root.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }
}
