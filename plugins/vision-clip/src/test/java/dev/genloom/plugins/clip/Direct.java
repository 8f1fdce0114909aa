package dev.genloom.plugins.clip;

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

/** Opens a CLIP model without the plugin host, so tests can reach the plugin's internals. */
final class Direct {
    static final OrtSessions SESSIONS = OrtSessions.create(OrtSessions.Settings.of("cpu", 1, 1, "all", "fp32"));
    static final DjlTokenizers TOKENIZERS = new DjlTokenizers();

    private Direct() {
    }

    record Context(ModelFolder folder, ModelInfo info, SessionFactory sessions, TokenizerFactory tokenizers,
                   Map<String, Object> options) implements ModelContext {
    }

    static ClipModelImpl open(Path folder, Map<String, Object> options) {
        return open(folder, options, SESSIONS);
    }

    /** Opens with the given session factory (one that prefers another dtype, {@link #sessions}). */
    static ClipModelImpl open(Path folder, Map<String, Object> options, SessionFactory sessions) {
        ModelInfo info = new ModelInfo(folder.getFileName().toString(), "clip", "test", folder, "cpu");
        return ClipModelImpl.open(new Context(new LocalModelFolder(folder), info, sessions, TOKENIZERS, options));
    }

    /** A CPU session factory, one thread, that prefers the {@code dtype} variant of each file. */
    static OrtSessions sessions(String dtype) {
        return OrtSessions.create(OrtSessions.Settings.of("cpu", 1, 1, "all", dtype));
    }
}
