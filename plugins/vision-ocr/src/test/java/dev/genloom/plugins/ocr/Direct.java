package dev.genloom.plugins.ocr;

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

/** Opens OCR models without the host, for tests that look inside them. */
final class Direct {
    static final OrtSessions SESSIONS = OrtSessions.create(OrtSessions.Settings.of("cpu", 2, 1, "all", "fp32"));

    private Direct() {
    }

    record Context(ModelFolder folder, ModelInfo info, SessionFactory sessions, TokenizerFactory tokenizers,
                   Map<String, Object> options) implements ModelContext {
    }

    static Context context(Path folder, Map<String, Object> options) {
        ModelInfo info = new ModelInfo(folder.getFileName().toString(), "ocr", "test", folder, "cpu");
        return new Context(new LocalModelFolder(folder), info, SESSIONS, new DjlTokenizers(), options);
    }

    static OcrModel open(Path folder, Map<String, Object> options) {
        return OcrModel.open(context(folder, options));
    }
}
