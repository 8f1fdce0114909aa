package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Model;
import dev.genloom.runtime.concurrent.Lazy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Models loaded once and shared with every later caller, until they are unloaded or
 * {@link #close()} closes them all: the runtime's one load-once-and-share mechanism, behind the
 * {@code Genloom} façade and usable as a {@link ModelProvider} of its own.
 *
 * <p>Thread-safe: when several threads ask for a model that is not loaded yet, one loads it and
 * the others wait for that load, and get its model or its failure. A load that fails is not
 * remembered: the next request tries again. A slow load holds up only the callers of that model.
 *
 * <p>Callers get a view of the model that offers every modality the model does but whose
 * {@code close()} does nothing: these models are owned here, and closed by {@link #unload} and
 * {@link #close()}.
 */
public final class SharedModels implements ModelProvider, AutoCloseable {
    private final Function<String, ? extends Model> loader;
    private final Map<String, Lazy<Loaded>> models = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** One model: the loaded one, and the view handed to callers. */
    private record Loaded(Model model, Model view) {
    }

    /**
     * Shared models that {@link #acquire(String)} loads by name.
     *
     * @param loader loads a model by name; called by one thread at a time per name, until it succeeds
     */
    public SharedModels(Function<String, ? extends Model> loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** Shared models that callers load through {@link #acquire(String, Supplier)}, each with its own loader. */
    public SharedModels() {
        this.loader = null;
    }

    /**
     * The model of this name, loaded by this provider's loader on first request.
     *
     * @throws GenloomException what the load threw where it is one; {@code RUN_FAILED} naming the
     *                          model for anything else, or once this is closed
     */
    @Override
    public Model acquire(String name) {
        Objects.requireNonNull(name, "name");
        if (loader == null) {
            throw new IllegalStateException("these shared models have no loader by name; use acquire(key, loader)");
        }
        return acquire(name, () -> loader.apply(name));
    }

    /**
     * The model under this key; where none is loaded, {@code load} loads it (the first caller's, if
     * several ask at once). The key names the model in errors.
     *
     * @throws GenloomException what the load threw where it is one; {@code RUN_FAILED} naming the
     *                          key for anything else, or once this is closed
     */
    public Model acquire(String key, Supplier<? extends Model> load) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(load, "load");
        while (true) {
            checkOpen();
            Lazy<Loaded> slot = models.computeIfAbsent(key, k -> new Lazy<>(() -> loadOne(k, load)));
            try {
                return slot.get().view();
            } catch (RuntimeException | Error e) {
                // A failed load is not remembered: the next request starts afresh, with its own loader.
                models.remove(key, slot);
                if (!slot.isClosed()) {
                    throw e;
                }
                // unloaded or closed while it loaded: closed ends here, an unload tries again
            }
        }
    }

    private static Loaded loadOne(String key, Supplier<? extends Model> load) {
        Model model;
        try {
            model = load.get();
        } catch (GenloomException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GenloomException(ErrorKind.RUN_FAILED, "cannot load model '" + key + "': "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), null, e);
        }
        if (model == null) {
            throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, "the model loader gave nothing for '" + key + "'");
        }
        return new Loaded(model, SharedModelHandle.of(model));
    }

    /** The keys of the models loaded now. */
    public Set<String> loaded() {
        Set<String> out = new TreeSet<>();
        models.forEach((key, slot) -> {
            if (slot.ifMade() != null) {
                out.add(key);
            }
        });
        return out;
    }

    /** The models loaded now (as callers see them), each once however many share it. */
    public List<Model> models() {
        List<Model> out = new ArrayList<>();
        for (Lazy<Loaded> slot : models.values()) {
            Loaded loaded = slot.ifMade();
            if (loaded != null) {
                out.add(loaded.view());
            }
        }
        return out;
    }

    /**
     * Closes and forgets the models whose keys match (one still loading is closed when its load
     * ends); a later request loads them again.
     *
     * @return whether any model matched
     * @throws RuntimeException the first failure to close one, after trying them all
     */
    public boolean unload(Predicate<String> keys) {
        List<RuntimeException> failures = new ArrayList<>();
        boolean any = false;
        for (Map.Entry<String, Lazy<Loaded>> e : models.entrySet()) {
            if (keys.test(e.getKey()) && models.remove(e.getKey(), e.getValue())) {
                any = true;
                closeSlot(e.getValue(), failures);
            }
        }
        throwFirst(failures);
        return any;
    }

    /**
     * Closes every loaded model (a model still loading is closed as soon as its load ends) and
     * refuses further requests. Every model is closed even where closing one fails.
     *
     * @throws RuntimeException the first failure to close a model, the others suppressed in it
     */
    @Override
    public void close() {
        closed = true;
        unload(key -> true);
    }

    private static void closeSlot(Lazy<Loaded> slot, List<RuntimeException> failures) {
        try {
            slot.close(loaded -> loaded.model().close());
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private static void throwFirst(List<RuntimeException> failures) {
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new GenloomException(ErrorKind.RUN_FAILED, "the shared models are closed", "open a new provider");
        }
    }
}
