package dev.genloom.runtime;

import dev.genloom.api.ModelInfo;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.TokenizerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** What the host hands a family to load one model; companions are looked up through the model store. */
record HostModelContext(ModelFolder folder, ModelInfo info, SessionFactory sessions, TokenizerFactory tokenizers,
                        Map<String, Object> options, Function<String, Optional<ModelFolder>> companions)
        implements ModelContext {
    HostModelContext {
        options = Map.copyOf(options);
        Objects.requireNonNull(companions, "companions");
    }

    @Override
    public Optional<ModelFolder> companion(String name) {
        return companions.apply(name);
    }
}
