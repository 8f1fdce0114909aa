package dev.genloom.runtime;

import dev.genloom.api.ModelInfo;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.TokenizerFactory;

import java.util.Map;

/** What the host hands a family to load one model. */
record HostModelContext(ModelFolder folder, ModelInfo info, SessionFactory sessions, TokenizerFactory tokenizers,
                        Map<String, Object> options) implements ModelContext {
    HostModelContext {
        options = Map.copyOf(options);
    }
}
