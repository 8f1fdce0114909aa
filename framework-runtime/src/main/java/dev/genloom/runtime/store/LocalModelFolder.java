package dev.genloom.runtime.store;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.runtime.concurrent.Lazy;
import dev.genloom.runtime.config.YamlFiles;
import dev.genloom.spi.ModelFolder;
import dev.genloom.zoo.fetch.Fetcher;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A model folder on the local disk.
 *
 * <p>What it reads is read once and kept: the file list, and each JSON or YAML file the first time
 * it is asked for. The parsed trees are shared between callers and must not be modified. Safe to
 * use from several threads at once.
 *
 * <p>Relative paths are '/'-separated and must stay inside the folder: {@link #resolve(String)}
 * refuses {@code ../x} and absolute paths, and {@link #has(String)} answers {@code false} for them.
 * The check is on the path's spelling, not on where symbolic links lead, so folders whose files are
 * links into a shared blob store (the Hugging Face hub cache) work.
 */
public final class LocalModelFolder implements ModelFolder {

    /** The optional overrides file of a model folder. */
    public static final String MANIFEST = "genloom-model.yaml";
    /** The keys {@value #MANIFEST} may hold. */
    public static final Set<String> MANIFEST_KEYS = Set.of("family", "name", "options");
    /** How deep {@link #files()} looks: {@code a/b/c/file} is the deepest file it lists. */
    public static final int MAX_DEPTH = 4;

    private static final String CONFIG = "config.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final YAMLMapper YAML = new YAMLMapper(YamlFiles.factory());

    private final Path path;
    private final Lazy<List<String>> files = new Lazy<>(this::listFiles);
    private final Lazy<JsonNode> manifest = new Lazy<>(this::readManifest);
    private final ConcurrentMap<String, Lazy<Optional<JsonNode>>> json = new ConcurrentHashMap<>();

    /** A model folder at the given path (made absolute). It is not read until asked. */
    public LocalModelFolder(Path path) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public boolean has(String relativePath) {
        Path p;
        try {
            p = resolve(relativePath);
        } catch (GenloomException e) {
            return false;
        }
        return Files.exists(p);
    }

    @Override
    public Path resolve(String relativePath) {
        Objects.requireNonNull(relativePath, "relativePath");
        Path rel;
        try {
            rel = path.getFileSystem().getPath(relativePath);
        } catch (InvalidPathException e) {
            throw GenloomException.invalidInput("'" + relativePath + "' is not a valid path inside " + path);
        }
        Path p = path.resolve(rel).normalize();
        if (relativePath.isBlank() || rel.isAbsolute() || !p.startsWith(path) || p.equals(path)) {
            throw GenloomException.invalidInput("'" + relativePath + "' is not a file inside the model folder "
                    + path + "; give a relative path such as 'onnx/model.onnx'");
        }
        return p;
    }

    @Override
    public List<String> files() {
        return files.get();
    }

    @Override
    public JsonNode config() {
        return json(CONFIG).orElseGet(JsonNodeFactory.instance::objectNode);
    }

    /**
     * {@inheritDoc}
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} where the file is not valid JSON (the
     *                          message names the file, the line and the column), {@code IO} where it
     *                          cannot be read
     */
    @Override
    public Optional<JsonNode> json(String relativePath) {
        Path file = resolve(relativePath);
        String key = relative(file);
        return json.computeIfAbsent(key, k -> new Lazy<>(() -> readJson(file))).get();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The file is checked when first read: it must be a mapping whose keys are among
     * {@link #MANIFEST_KEYS}, with {@code family} and {@code name} strings and {@code options} a
     * mapping. Empty values count as absent and are left out.
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} naming the file, the line and the key
     *                          where it is malformed or holds an unknown key
     */
    @Override
    public JsonNode manifest() {
        return manifest.get();
    }

    /** The family named in {@value #MANIFEST}, if any. */
    public Optional<String> manifestFamily() {
        return text(manifest().get("family"));
    }

    /**
     * What to do about a model file that is broken or missing, for the hint of an error: fetch
     * it again by its repository where {@code genloom fetch} put it there (its record, {@value
     * Fetcher#RECORD}, is in the file's folder or one above it), else copy or export it again. A
     * path is never offered to {@code genloom fetch}: only names can be fetched.
     */
    public static String againHint(Path fileOrFolder) {
        Path dir = Files.isDirectory(fileOrFolder) ? fileOrFolder : fileOrFolder.toAbsolutePath().getParent();
        for (int up = 0; dir != null && up <= MAX_DEPTH; up++, dir = dir.getParent()) {
            Path record = dir.resolve(Fetcher.RECORD);
            if (Files.isRegularFile(record)) {
                try {
                    String repository = JSON.readTree(record.toFile()).path("repository").asText("");
                    if (!repository.isBlank()) {
                        return "fetch it again: genloom fetch " + repository;
                    }
                } catch (IOException | RuntimeException e) {
                    // an unreadable record: say nothing of fetching
                }
                break;
            }
        }
        return "copy or export the model again";
    }

    /** The display name given in {@value #MANIFEST}, if any. */
    public Optional<String> manifestName() {
        return text(manifest().get("name"));
    }

    @Override
    public String toString() {
        return path.toString();
    }

    // ---------------------------------------------------------------------------------------------

    private static Optional<String> text(JsonNode node) {
        return node == null || !node.isTextual() || node.asText().isBlank()
                ? Optional.empty() : Optional.of(node.asText().trim());
    }

    private String relative(Path p) {
        return path.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    private List<String> listFiles() {
        List<String> out = new ArrayList<>();
        try {
            Files.walkFileTree(path, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return !dir.equals(path) && hidden(dir)
                                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            // At the depth limit directories arrive here too; only files are listed.
                            if (attrs.isRegularFile() && !hidden(file)) {
                                out.add(relative(file));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (file.equals(path)) {
                                throw e;
                            }
                            // A dangling link, a link loop (FileSystemLoopException) or an unreadable
                            // entry: it is not a file the model can use; leave it out.
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (FileSystemLoopException e) {
            return List.of();
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot list the model folder " + path + ": " + e, null, e);
        }
        Collections.sort(out);
        return List.copyOf(out);
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() == null) {
                throw incompatible(file, null, "is empty; a JSON document was expected");
            }
            JsonNode node = JSON.readTree(parser);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw incompatible(file, parser.currentTokenLocation(),
                        "has more after its JSON document (" + trailing.asString() + ")");
            }
            return Optional.of(node);
        } catch (JsonProcessingException e) {
            throw incompatible(file, e.getLocation(), "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "model file", e);
        }
    }

    private JsonNode readManifest() {
        Path file = path.resolve(MANIFEST);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (JsonParser parser = YAML.createParser(YamlFiles.read(file, "model manifest"))) {
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return out; // empty, or only comments
            }
            if (first != JsonToken.START_OBJECT) {
                throw incompatible(file, parser.currentTokenLocation(),
                        "must be a mapping with the keys " + String.join(", ", sortedKeys()));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonLocation at = parser.currentTokenLocation();
                parser.nextToken();
                JsonNode value = parser.readValueAsTree();
                if (!MANIFEST_KEYS.contains(key)) {
                    throw incompatible(file, at, "has an unknown key '" + key + "'; known keys are "
                            + String.join(", ", sortedKeys()));
                }
                if (value == null || value.isNull() || value.isMissingNode()) {
                    continue;
                }
                boolean fits = key.equals("options") ? value.isObject() : value.isTextual();
                if (!fits) {
                    throw incompatible(file, at, "'" + key + "' must be "
                            + (key.equals("options") ? "a mapping of option names to values" : "a string"));
                }
                out.set(key, value);
            }
            return out;
        } catch (JsonProcessingException e) {
            throw incompatible(file, e.getLocation(), "is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "model file", e);
        }
    }

    private static List<String> sortedKeys() {
        return MANIFEST_KEYS.stream().sorted().toList();
    }

    private static GenloomException incompatible(Path file, JsonLocation at, String what) {
        String where = file.toString();
        if (at != null && at.getLineNr() > 0) {
            where += " line " + at.getLineNr() + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "");
        }
        return new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, where + ": " + what,
                "fix the file; if it was cut short, " + againHint(file));
    }
}
