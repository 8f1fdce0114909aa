package dev.genloom.runtime.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.api.ModelInfo;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.SessionFactory;
import dev.genloom.spi.TokenizerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A plain {@link ModelFolder} over a folder, and a {@link ModelContext} for it, for plugin tests. */
record FakeModelFolder(Path path) implements ModelFolder {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean has(String relativePath) {
        return Files.isRegularFile(resolve(relativePath));
    }

    @Override
    public Path resolve(String relativePath) {
        return path.resolve(relativePath);
    }

    @Override
    public List<String> files() {
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .map(file -> path.relativize(file).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public JsonNode config() {
        return json("config.json").orElseGet(JsonNodeFactory.instance::objectNode);
    }

    @Override
    public Optional<JsonNode> json(String relativePath) {
        if (!has(relativePath)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(resolve(relativePath).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public JsonNode manifest() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A context to load this folder with: no sessions, no tokenizers, no options. */
    ModelContext context(String family, String plugin) {
        ModelFolder folder = this;
        ModelInfo info = new ModelInfo(path.getFileName().toString(), family, plugin, path, "cpu");
        return new ModelContext() {
            @Override
            public ModelFolder folder() {
                return folder;
            }

            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public SessionFactory sessions() {
                throw new UnsupportedOperationException("no ONNX Runtime sessions in plugin host tests");
            }

            @Override
            public TokenizerFactory tokenizers() {
                throw new UnsupportedOperationException("no tokenizers in plugin host tests");
            }

            @Override
            public Map<String, Object> options() {
                return Map.of();
            }
        };
    }
}
