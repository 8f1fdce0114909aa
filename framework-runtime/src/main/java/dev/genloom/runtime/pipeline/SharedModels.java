package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * A {@link ModelProvider} that loads each model once and shares it with every later caller, until
 * {@link #close()} closes them all. Thread-safe: when several threads ask for a model that is not
 * loaded yet, one loads it and the others wait for that load. A load that fails is not remembered:
 * every caller waiting for it gets the failure, and the next request tries again.
 */
public final class SharedModels implements ModelProvider, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedModels.class);

    private final Function<String, ? extends Model> loader;
    private final Map<String, CompletableFuture<Model>> models = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param loader loads a model by name; called at most once at a time per name */
    public SharedModels(Function<String, ? extends Model> loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    @Override
    public Model acquire(String name) {
        Objects.requireNonNull(name, "name");
        checkOpen();
        CompletableFuture<Model> mine = new CompletableFuture<>();
        CompletableFuture<Model> existing = models.putIfAbsent(name, mine);
        if (existing == null) {
            return load(name, mine);
        }
        try {
            return existing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenloomException(ErrorKind.RUN_FAILED, "interrupted while waiting for model '" + name
                    + "' to load", null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof GenloomException g) {
                throw new GenloomException(g.kind(), g.getMessage(), g.hint(), g);
            }
            throw loadFailure(name, cause);
        }
    }

    private Model load(String name, CompletableFuture<Model> mine) {
        Model model;
        try {
            model = loader.apply(name);
            if (model == null) {
                throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, "the model loader gave nothing for '" + name + "'");
            }
        } catch (RuntimeException | Error e) {
            // Forget the failed load so the next request tries again, then tell those waiting.
            models.remove(name, mine);
            mine.completeExceptionally(e);
            if (e instanceof GenloomException || e instanceof Error) {
                throw e;
            }
            throw loadFailure(name, e);
        }
        mine.complete(model);
        if (closed) {
            // close() ran while this model loaded; it closes it (through the future) or we do here.
            if (models.remove(name, mine)) {
                closeQuietly(name, model);
            }
            throw closedError();
        }
        return model;
    }

    /** The names of the models loaded now. */
    public Set<String> loaded() {
        Set<String> out = new TreeSet<>();
        models.forEach((name, f) -> {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                out.add(name);
            }
        });
        return out;
    }

    /**
     * Closes every loaded model (a model still loading is closed as soon as its load ends) and
     * refuses further requests. Closing a model that fails is logged; the others are still closed.
     */
    @Override
    public void close() {
        closed = true;
        List<String> names = new ArrayList<>(models.keySet());
        for (String name : names) {
            CompletableFuture<Model> f = models.remove(name);
            if (f != null) {
                f.thenAccept(m -> closeQuietly(name, m));
            }
        }
    }

    private static void closeQuietly(String name, Model model) {
        try {
            model.close();
        } catch (RuntimeException e) {
            LOG.warn("closing model '{}' failed", name, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private static GenloomException closedError() {
        return new GenloomException(ErrorKind.RUN_FAILED, "the shared models are closed", "open a new provider");
    }

    private static GenloomException loadFailure(String name, Throwable cause) {
        return new GenloomException(ErrorKind.RUN_FAILED, "cannot load model '" + name + "': "
                + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                null, cause);
    }
}
