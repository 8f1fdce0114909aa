package dev.genloom.plugins.gpt;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Tokenizer;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A model folder's tokenizer, loaded on a thread of its own while the caller opens the session
 * (a real GPT-2 {@code tokenizer.json} takes about 0.2 s to load, the session several times that).
 * {@link #get()} hands it over; {@link #close()} closes it where it was never handed over (the
 * session failed).
 */
final class TokenizerLoad implements AutoCloseable {
    private final FutureTask<Tokenizer> task;
    private boolean taken;

    private TokenizerLoad(FutureTask<Tokenizer> task) {
        this.task = task;
    }

    /** Starts loading {@code file} with the context's tokenizers, in the caller's class loader. */
    static TokenizerLoad start(ModelContext ctx, Path file) {
        FutureTask<Tokenizer> task = new FutureTask<>(() -> ctx.tokenizers().load(file));
        Thread thread = new Thread(task, "gpt-tokenizer-load");
        thread.setDaemon(true);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.start();
        return new TokenizerLoad(task);
    }

    /** The tokenizer, once loaded; what the load threw, as it threw it. */
    Tokenizer get() {
        try {
            Tokenizer t = task.get();
            taken = true;
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenloomException(ErrorKind.RUN_FAILED, "interrupted while loading the tokenizer", null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("loading the tokenizer failed", cause);
        }
    }

    /** Closes the tokenizer where it was never handed over, once its load is done. */
    @Override
    public void close() {
        if (taken) {
            return;
        }
        taken = true;
        try {
            task.get().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            // the load failed or the tokenizer would not close: nothing to hand back
        }
    }
}
