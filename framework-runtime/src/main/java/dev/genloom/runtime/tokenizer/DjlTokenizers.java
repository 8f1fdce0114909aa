package dev.genloom.runtime.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.runtime.store.LocalModelFolder;
import dev.genloom.spi.Tokenizer;
import dev.genloom.spi.TokenizerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Loads Hugging Face {@code tokenizer.json} files through DJL's tokenizers, offline and with
 * the CPU build of its native library, never truncating and never padding.
 *
 * <p>DJL reads its settings when its classes initialise, so they are set when this class
 * initialises: the system property {@code ai.djl.offline=true} (DJL downloads nothing) and
 * {@code RUST_FLAVOR=cpu} (DJL 0.38 reads {@code RUST_FLAVOR} with
 * {@code Utils.getEnvOrSystemProperty}: the environment variable first, then the system
 * property; without it, on a machine with CUDA, it looks for a CUDA build to download). Values
 * the user set already are kept; a warning says when they defeat these defaults.
 *
 * <p>DJL finds its own resources through the thread's context class loader, which inside a
 * plugin is the plugin's; every DJL call here runs with the host's class loader as context.
 *
 * <p>When its tokenizer library loads, DJL probes for GPUs ({@code ai.djl.util.cuda.CudaUtils})
 * whatever {@code RUST_FLAVOR} says, and on a machine with the CUDA runtime but no usable GPU it
 * logs a warning ("Failed to detect GPU count: ..."), although the CPU build is what runs. The
 * runtime brings only {@code slf4j-api}, so it cannot set levels: the {@code genloom} CLI sets
 * that logger to ERROR, and a product embedding Genloom does the same in its own logging setup
 * (logback: {@code <logger name="ai.djl.util.cuda.CudaUtils" level="ERROR"/>}).
 */
public final class DjlTokenizers implements TokenizerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DjlTokenizers.class);

    static final String OFFLINE_PROPERTY = "ai.djl.offline";
    static final String OFFLINE_ENV = "DJL_OFFLINE";
    static final String FLAVOR = "RUST_FLAVOR";
    static final String ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";
    static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";

    /** No truncation (DJL truncates at 512 tokens by default) and no padding. */
    private static final Map<String, String> OPTIONS = Map.of(
            "truncation", "false",
            "padding", "false",
            "addSpecialTokens", "true");

    static {
        configureDjl();
    }

    /** DJL unpacks its native library under {@code ~/.djl.ai} (or DJL's own cache settings). */
    public DjlTokenizers() {
    }

    /**
     * DJL unpacks its native library under {@code <cacheDir>/djl} unless {@code ENGINE_CACHE_DIR}
     * or {@code DJL_CACHE_DIR} is set already. Effective only before DJL's first use in the process.
     */
    public DjlTokenizers(Path cacheDir) {
        if (cacheDir != null && isUnset(ENGINE_CACHE_DIR) && isUnset(DJL_CACHE_DIR)) {
            System.setProperty(ENGINE_CACHE_DIR, cacheDir.toAbsolutePath().normalize().resolve("djl").toString());
        }
    }

    private static boolean isUnset(String name) {
        String env = System.getenv(name);
        String prop = System.getProperty(name);
        return (env == null || env.isEmpty()) && (prop == null || prop.isEmpty());
    }

    /** Sets what DJL must know before it initialises. Safe to call more than once. */
    static synchronized void configureDjl() {
        if (System.getProperty(OFFLINE_PROPERTY) == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        String offlineEnv = System.getenv(OFFLINE_ENV);
        if (offlineEnv != null && !Boolean.parseBoolean(offlineEnv)) {
            LOG.warn("{}={} in the environment: DJL may try to download native libraries", OFFLINE_ENV, offlineEnv);
        }
        String flavorEnv = System.getenv(FLAVOR);
        if (flavorEnv != null && !flavorEnv.isEmpty()) {
            if (!"cpu".equals(flavorEnv)) {
                LOG.warn("{}={} in the environment: DJL will look for that build of its tokenizer library "
                        + "instead of the CPU one bundled in its jar", FLAVOR, flavorEnv);
            }
        } else if (System.getProperty(FLAVOR) == null) {
            System.setProperty(FLAVOR, "cpu");
        }
    }

    @Override
    public Tokenizer load(Path tokenizerJson) {
        if (tokenizerJson == null) {
            throw GenloomException.invalidInput("no tokenizer file given");
        }
        Path file = tokenizerJson.toAbsolutePath().normalize();
        if (Files.isDirectory(file)) {
            file = file.resolve("tokenizer.json");
        }
        UserFiles.requireNonEmptyFile(file, "tokenizer file",
                "a Hugging Face tokenizer.json is expected; " + LocalModelFolder.againHint(file));
        Path f = file;
        HuggingFaceTokenizer hf;
        try {
            hf = withHostLoader(() -> {
                try {
                    return HuggingFaceTokenizer.newInstance(f, OPTIONS);
                } catch (IOException ex) {
                    throw UserFiles.unreadable(f, "tokenizer file", ex);
                }
            });
        } catch (GenloomException ex) {
            throw ex;
        } catch (LinkageError | AssertionError ex) {
            // DJL could not start its native library (it reports some of this as AssertionError).
            throw new GenloomException(ErrorKind.RUN_FAILED,
                    "cannot load tokenizer file " + f + ": DJL's tokenizer library did not start: " + ex,
                    "check that ai.djl.huggingface:tokenizers is on the host's class path and that its cache "
                            + "folder (~/.djl.ai) is writable", ex);
        } catch (RuntimeException ex) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE,
                    "cannot load tokenizer file " + f + ": " + ex.getMessage(),
                    "a Hugging Face tokenizer.json (as written by the tokenizers library) is expected", ex);
        }
        return new DjlTokenizer(f, hf);
    }

    /** Runs a DJL call with the host's class loader as the thread's context class loader. */
    static <T> T withHostLoader(Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader host = DjlTokenizers.class.getClassLoader();
        if (previous == host) {
            return call.get();
        }
        thread.setContextClassLoader(host);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
