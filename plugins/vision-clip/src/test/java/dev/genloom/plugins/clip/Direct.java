package dev.genloom.plugins.clip;

import dev.genloom.runtime.DirectContext;
import dev.genloom.runtime.session.OrtSessions;
import dev.genloom.spi.SessionFactory;

import java.nio.file.Path;
import java.util.Map;

/** Opens a CLIP model without the plugin host, so tests can reach the plugin's internals. */
final class Direct {
    private Direct() {
    }

    static ClipModelImpl open(Path folder, Map<String, Object> options) {
        return ClipModelImpl.open(DirectContext.of(folder, "clip", options));
    }

    /** Opens with the given session factory (one that prefers another dtype, {@link #sessions}). */
    static ClipModelImpl open(Path folder, Map<String, Object> options, SessionFactory sessions) {
        return ClipModelImpl.open(DirectContext.of(folder, "clip", options, sessions));
    }

    /** A CPU session factory, one thread, that prefers the {@code dtype} variant of each file. */
    static OrtSessions sessions(String dtype) {
        return DirectContext.cpuSessions(dtype);
    }
}
