package dev.genloom.runtime;

import dev.genloom.api.ModelInfo;
import dev.genloom.runtime.session.OrtSessions;
import dev.genloom.runtime.store.LocalModelFolder;
import dev.genloom.runtime.tokenizer.DjlTokenizers;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.TokenizerFactory;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the host hands a family to load a model, made without the host: for a plugin's own tests,
 * which open a folder with their family's classes directly to look inside them (no plugin manager,
 * no model store, no companions). Sessions run on the CPU with one thread unless a session factory
 * is given.
 *
 * <pre>{@code
 * MyModel m = MyModel.open(DirectContext.of(folder, "my-family", Map.of("beams", 2)));
 * }</pre>
 */
public record DirectContext(ModelFolder folder, ModelInfo info, SessionFactory sessions, TokenizerFactory tokenizers,
                            Map<String, Object> options) implements ModelContext {

    /** The sessions and tokenizers shared by every context made here, made on first use. */
    private static final class Shared {
        static final OrtSessions CPU = cpuSessions("fp32");
        static final DjlTokenizers TOKENIZERS = new DjlTokenizers();
    }

    /** The context of a folder for {@code family}, with these load options, on one CPU thread. */
    public static DirectContext of(Path folder, String family, Map<String, Object> options) {
        return of(folder, family, options, Shared.CPU);
    }

    /** The context of a folder for {@code family}, with these load options and sessions. */
    public static DirectContext of(Path folder, String family, Map<String, Object> options, SessionFactory sessions) {
        ModelInfo info = new ModelInfo(folder.getFileName().toString(), family, "test", folder, sessions.device());
        return new DirectContext(new LocalModelFolder(folder), info, sessions, Shared.TOKENIZERS, options);
    }

    /** CPU sessions, one thread, that prefer the {@code dtype} variant of each file ({@code fp32}, {@code quantized}, ...). */
    public static OrtSessions cpuSessions(String dtype) {
        return OrtSessions.create(OrtSessions.Settings.of("cpu", 1, 1, "all", dtype));
    }
}
