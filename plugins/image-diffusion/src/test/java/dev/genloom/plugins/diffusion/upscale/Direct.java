package dev.genloom.plugins.diffusion.upscale;

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

/** Opens an upscaler without the plugin host, so tests can read what it found (scale, range). */
final class Direct {
    static final OrtSessions SESSIONS = OrtSessions.create(OrtSessions.Settings.of("cpu", 1, 1, "all", "fp32"));

    private Direct() {
    }

    record Context(ModelFolder folder, ModelInfo info, SessionFactory sessions, TokenizerFactory tokenizers,
                   Map<String, Object> options) implements ModelContext {
    }

    static Upscaler open(Path folder, Map<String, Object> options) {
        ModelInfo info = new ModelInfo(folder.getFileName().toString(), "upscaler", "test", folder, "cpu");
        return Upscaler.open(new Context(new LocalModelFolder(folder), info, SESSIONS, new DjlTokenizers(), options));
    }
}
