package dev.genloom.plugins.whisper;

import dev.genloom.runtime.DirectContext;
import dev.genloom.runtime.session.OrtSessions;
import dev.genloom.spi.SessionFactory;

import java.nio.file.Path;
import java.util.Map;

/** Opens a Whisper model without the plugin host, so tests can reach the plugin's internals. */
final class Direct {
    private Direct() {
    }

    static WhisperModel open(Path folder, Map<String, Object> options) {
        return WhisperModel.open(DirectContext.of(folder, "whisper", options));
    }

    /** Opens with the given session factory (one that prefers another dtype, {@link #sessions}). */
    static WhisperModel open(Path folder, Map<String, Object> options, SessionFactory sessions) {
        return WhisperModel.open(DirectContext.of(folder, "whisper", options, sessions));
    }

    /** A CPU session factory, one thread, that prefers the {@code dtype} variant of each file. */
    static OrtSessions sessions(String dtype) {
        return DirectContext.cpuSessions(dtype);
    }
}
