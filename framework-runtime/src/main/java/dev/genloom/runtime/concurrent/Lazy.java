package dev.genloom.runtime.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A value made on first use, once: when several threads ask for it at the same time, one makes it
 * and the others wait for that make and get its value, or its failure. A failed make is not kept:
 * the next {@link #get()} tries again. {@link #close(Consumer)} ends the holder: the value, made or
 * still being made, goes to a closer once, and {@code get()} refuses from then on.
 *
 * <p>The runtime's one lazy holder: the façade's sessions and tokenizers, a model folder's files,
 * each loaded model of {@code SharedModels} and each model a pipeline run acquires.
 *
 * @param <T> the value; never null
 */
public final class Lazy<T> {
    private final Supplier<? extends T> make;
    private final Object lock = new Object();
    /** The value once made, until closed; written under lock. */
    private volatile T value;
    /** Guarded by lock: the make in progress, which waiters join, or null. */
    private CompletableFuture<T> making;
    /** Guarded by lock: set once by close(). */
    private boolean closed;
    /** Guarded by lock: where a make still in progress when close() ran hands its value. */
    private Consumer<? super T> closer;

    /** @param make makes the value; called by one thread at a time, until it succeeds */
    public Lazy(Supplier<? extends T> make) {
        this.make = make;
    }

    /**
     * The value, made now if it was not.
     *
     * @throws IllegalStateException where the holder is closed, or the value came out null;
     *                               anything the make throws, in the thread that made it and in
     *                               those that waited for it
     */
    public T get() {
        T v = value;
        if (v != null) {
            return v;
        }
        CompletableFuture<T> theirs;
        CompletableFuture<T> mine = null;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (value != null) {
                return value;
            }
            theirs = making;
            if (theirs == null) {
                mine = new CompletableFuture<>();
                making = mine;
            }
        }
        return theirs != null ? join(theirs) : make(mine);
    }

    private T make(CompletableFuture<T> mine) {
        T made;
        try {
            made = make.get();
            if (made == null) {
                throw new IllegalStateException("the lazy value came out null");
            }
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                making = null;
            }
            mine.completeExceptionally(e);
            throw e;
        }
        Consumer<? super T> lateCloser = null;
        boolean wasClosed;
        synchronized (lock) {
            making = null;
            wasClosed = closed;
            if (closed) {
                lateCloser = closer;
            } else {
                value = made;
            }
        }
        if (wasClosed) {
            IllegalStateException refused = new IllegalStateException("closed while its value was being made");
            if (lateCloser != null) {
                try {
                    lateCloser.accept(made);
                } catch (RuntimeException e) {
                    refused.addSuppressed(e);
                }
            }
            mine.completeExceptionally(refused);
            throw refused;
        }
        mine.complete(made);
        return made;
    }

    private static <T> T join(CompletableFuture<T> theirs) {
        try {
            return theirs.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error r) {
                throw r;
            }
            throw e;
        }
    }

    /** The value if it is made (and not closed), else null; nothing is made. */
    public T ifMade() {
        return value;
    }

    /** Whether {@link #close(Consumer)} has run. */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Closes the holder: a value already made goes to {@code closer} now, one still being made goes
     * to it when its make ends (in the thread that made it, whose caller is then refused). Later
     * calls of {@link #get()} are refused; a second close does nothing.
     */
    public void close(Consumer<? super T> closer) {
        T v;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            v = value;
            value = null;
            if (v == null) {
                this.closer = closer;
            }
        }
        if (v != null) {
            closer.accept(v);
        }
    }
}
