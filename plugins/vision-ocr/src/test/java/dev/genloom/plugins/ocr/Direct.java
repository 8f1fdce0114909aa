package dev.genloom.plugins.ocr;

import dev.genloom.runtime.DirectContext;

import java.nio.file.Path;
import java.util.Map;

/** Opens OCR models without the host, for tests that look inside them. */
final class Direct {
    private Direct() {
    }

    static DirectContext context(Path folder, Map<String, Object> options) {
        return DirectContext.of(folder, "ocr", options);
    }

    static OcrModel open(Path folder, Map<String, Object> options) {
        return OcrModel.open(context(folder, options));
    }
}
