package dev.genloom.zoo.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.api.task.Suggestions;
import dev.genloom.api.task.Tasks;
import dev.genloom.spi.Dtype;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A list of known models and the files that make them up, read from YAML.
 *
 * <pre>{@code
 * models:
 *   - name: whisper-tiny.en
 *     task: speech-to-text
 *     family: whisper
 *     repository: Xenova/whisper-tiny.en
 *     revision: main                 # optional, default main
 *     licence: apache-2.0
 *     description: ...               # optional
 *     files:                         # needed by every dtype (optional)
 *       - config.json                # a path, or a mapping {path, size, sha256}
 *     dtypes:                        # at least one
 *       fp32:
 *         - path: onnx/encoder_model.onnx
 *           size: 32907283           # bytes, optional
 *           sha256: 3a5f...          # optional
 * }</pre>
 *
 * Problems are {@code INVALID_INPUT} errors naming the file, the entry and the key. Reading a
 * catalog never touches the network.
 */
public final class Catalog {
    /** The catalog bundled with Genloom, as a class-path resource. */
    public static final String RESOURCE = "/dev/genloom/zoo/catalog.yaml";

    private static final List<String> TOP_KEYS = List.of("version", "models");
    private static final List<String> ENTRY_KEYS = List.of("name", "task", "family", "repository", "revision",
            "licence", "description", "files", "dtypes");
    private static final List<String> FILE_KEYS = List.of("path", "size", "sha256");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern REPOSITORY = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.+@=-]+");

    private static volatile Catalog bundled;

    private final String source;
    private final List<CatalogEntry> entries;

    private Catalog(String source, List<CatalogEntry> entries) {
        this.source = source;
        this.entries = List.copyOf(entries);
    }

    /** The catalog bundled with Genloom. */
    public static Catalog load() {
        Catalog c = bundled;
        if (c == null) {
            try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new GenloomException(ErrorKind.IO, "the bundled model catalog " + RESOURCE
                            + " is missing from the class path");
                }
                c = parse("catalog.yaml (bundled)", in.readAllBytes());
            } catch (IOException e) {
                throw new GenloomException(ErrorKind.IO, "cannot read the bundled model catalog: " + e.getMessage(),
                        null, e);
            }
            bundled = c;
        }
        return c;
    }

    /**
     * A catalog file of the same schema as the bundled one: UTF-8 YAML of at most the YAML
     * parser's limit (3 MiB), refused by its size before it is read.
     */
    public static Catalog load(Path file) {
        String text = UserFiles.readUtf8(file, "model catalog", new LoaderOptions().getCodePointLimit(),
                "that is the YAML parser's limit; is it the right file?");
        return parse(file.toString(), text.getBytes(StandardCharsets.UTF_8));
    }

    /** A catalog from YAML text; {@code source} names it in errors. */
    public static Catalog parse(String source, byte[] yaml) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new GenloomException(ErrorKind.INVALID_INPUT, source + ": not valid YAML" + where + ": "
                    + e.getOriginalMessage(), null, e);
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, source + ": " + e.getMessage(), null, e);
        }
        if (root == null || root.isMissingNode() || root.isNull() || !root.isObject()) {
            throw bad(source, null, null, "expected a mapping with a 'models' list");
        }
        checkKeys(source, null, "", root, TOP_KEYS);
        JsonNode version = root.get("version");
        if (version != null && !(version.isInt() && version.intValue() == 1)) {
            throw bad(source, null, "version", "only version 1 is understood, found '" + version.asText() + "'");
        }
        JsonNode models = root.get("models");
        if (models == null || !models.isArray()) {
            throw bad(source, null, "models", "expected a list of models");
        }
        List<CatalogEntry> entries = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            CatalogEntry e = entry(source, i, models.get(i));
            String key = e.name().toLowerCase(Locale.ROOT);
            if (seen.containsKey(key)) {
                throw bad(source, e.name(), "name", "the name is used twice (also by entry " + seen.get(key) + ")");
            }
            seen.put(key, "#" + (i + 1));
            entries.add(e);
        }
        return new Catalog(source, entries);
    }

    /** Where this catalog was read from, for messages. */
    public String source() {
        return source;
    }

    /** Every entry, in catalog order. */
    public List<CatalogEntry> entries() {
        return entries;
    }

    /**
     * The entry of a name ({@code whisper-tiny.en}) or a repository id ({@code Xenova/whisper-tiny.en},
     * also spelled {@code Xenova--whisper-tiny.en}); names match exactly first, then ignoring case.
     */
    public Optional<CatalogEntry> find(String nameOrRepository) {
        if (nameOrRepository == null || nameOrRepository.isBlank()) {
            return Optional.empty();
        }
        String given = nameOrRepository.strip();
        for (CatalogEntry e : entries) {
            if (e.name().equals(given)) {
                return Optional.of(e);
            }
        }
        String repo = given.contains("/") ? given : given.replace("--", "/");
        for (CatalogEntry e : entries) {
            if (e.name().equalsIgnoreCase(given) || e.repository().equalsIgnoreCase(repo)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** " (did you mean 'x'?)" by the closest name or repository, or "". */
    public String didYouMean(String given) {
        List<String> known = new ArrayList<>();
        for (CatalogEntry e : entries) {
            known.add(e.name());
            known.add(e.repository());
        }
        return Suggestions.closest(given, known).map(h -> " (did you mean '" + h + "'?)").orElse("");
    }

    /** This catalog's entries, then those of {@code other} whose names and repositories are not here. */
    public Catalog and(Catalog other) {
        List<CatalogEntry> all = new ArrayList<>(entries);
        for (CatalogEntry e : other.entries) {
            if (find(e.name()).isEmpty() && find(e.repository()).isEmpty()) {
                all.add(e);
            }
        }
        return new Catalog(source + " + " + other.source, all);
    }

    // ---- parsing ------------------------------------------------------------------------------

    private static CatalogEntry entry(String source, int index, JsonNode node) {
        String label = "#" + (index + 1);
        if (node == null || !node.isObject()) {
            throw bad(source, label, null, "expected a mapping (name, task, family, repository, licence, dtypes)");
        }
        JsonNode nameNode = node.get("name");
        if (nameNode != null && nameNode.isTextual() && !nameNode.asText().isBlank()) {
            label = nameNode.asText().strip();
        }
        checkKeys(source, label, "", node, ENTRY_KEYS);
        String name = text(source, label, node, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw bad(source, label, "name", "'" + name + "' is not a model name (letters, digits, '.', '_', '-')");
        }
        String task = text(source, label, node, "task", true);
        if (!Tasks.names().contains(task)) {
            throw bad(source, label, "task", "unknown task '" + task + "'"
                    + Suggestions.didYouMean(task, Tasks.names()) + "; known: " + String.join(", ", Tasks.names()));
        }
        String family = text(source, label, node, "family", true);
        String repository = text(source, label, node, "repository", true);
        if (!REPOSITORY.matcher(repository).matches() || repository.contains("..")) {
            throw bad(source, label, "repository", "'" + repository + "' is not a hub repository id (org/name)");
        }
        String revision = text(source, label, node, "revision", false);
        if (revision == null) {
            revision = "main";
        } else if (!revision.matches("[A-Za-z0-9._/-]+") || revision.contains("..")) {
            throw bad(source, label, "revision", "'" + revision + "' is not a branch, tag or commit");
        }
        String licence = text(source, label, node, "licence", true);
        String description = text(source, label, node, "description", false);
        List<CatalogFile> shared = fileList(source, label, "files", node.get("files"), false);
        JsonNode dtypesNode = node.get("dtypes");
        if (dtypesNode == null || !dtypesNode.isObject() || dtypesNode.isEmpty()) {
            throw bad(source, label, "dtypes", "expected a mapping of dtype variants (fp32, fp16, quantized, ...) "
                    + "to their files");
        }
        Map<String, List<CatalogFile>> dtypes = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = dtypesNode.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> d = it.next();
            if (!Dtype.ids().contains(d.getKey())) {
                throw bad(source, label, "dtypes." + d.getKey(), "unknown dtype" + Suggestions.didYouMean(d.getKey(),
                        Dtype.ids()) + "; known: " + Dtype.allowed());
            }
            dtypes.put(d.getKey(), fileList(source, label, "dtypes." + d.getKey(), d.getValue(), true));
        }
        return new CatalogEntry(name, task, family, repository, revision, licence, description, shared, dtypes);
    }

    private static List<CatalogFile> fileList(String source, String label, String key, JsonNode node,
                                              boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw bad(source, label, key, "expected a list of files");
            }
            return List.of();
        }
        if (!node.isArray() || (required && node.isEmpty())) {
            throw bad(source, label, key, "expected a list of files (paths, or mappings with path, size, sha256)");
        }
        List<CatalogFile> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(file(source, label, key + "[" + i + "]", node.get(i)));
        }
        return out;
    }

    private static CatalogFile file(String source, String label, String key, JsonNode node) {
        if (node.isTextual()) {
            return new CatalogFile(path(source, label, key, node.asText()), OptionalLong.empty(), Optional.empty());
        }
        if (!node.isObject()) {
            throw bad(source, label, key, "expected a path, or a mapping with path, size, sha256");
        }
        checkKeys(source, label, key + ".", node, FILE_KEYS);
        String path = text(source, label, node, "path", true, key + ".path");
        path = path(source, label, key + ".path", path);
        OptionalLong size = OptionalLong.empty();
        JsonNode s = node.get("size");
        if (s != null && !s.isNull()) {
            if (!s.canConvertToExactIntegral() || !s.canConvertToLong() || s.longValue() < 0) {
                throw bad(source, label, key + ".size", "expected a size in bytes (a whole number), found '"
                        + s.asText() + "'");
            }
            size = OptionalLong.of(s.longValue());
        }
        Optional<String> sha = Optional.empty();
        JsonNode h = node.get("sha256");
        if (h != null && !h.isNull()) {
            if (!h.isTextual() || !SHA256.matcher(h.asText()).matches()) {
                throw bad(source, label, key + ".sha256", "expected 64 hexadecimal digits, found '" + h.asText() + "'");
            }
            sha = Optional.of(h.asText());
        }
        return new CatalogFile(path, size, sha);
    }

    /** A relative path inside the repository: no leading '/', no '..', no backslashes. */
    private static String path(String source, String label, String key, String path) {
        String p = path.strip();
        boolean ok = !p.isEmpty() && !p.startsWith("/") && !p.endsWith("/");
        if (ok) {
            for (String part : p.split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..") || !SEGMENT.matcher(part).matches()) {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) {
            throw bad(source, label, key, "'" + path + "' is not a relative file path inside the repository");
        }
        return p;
    }

    private static String text(String source, String label, JsonNode node, String key, boolean required) {
        return text(source, label, node, key, required, key);
    }

    private static String text(String source, String label, JsonNode node, String key, boolean required,
                               String shownKey) {
        JsonNode n = node.get(key);
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            if (required) {
                throw bad(source, label, shownKey, "missing");
            }
            return null;
        }
        if (!n.isValueNode() || n.isBoolean()) {
            throw bad(source, label, shownKey, "expected text");
        }
        return n.asText().strip();
    }

    private static void checkKeys(String source, String label, String prefix, JsonNode node, List<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!allowed.contains(k)) {
                throw bad(source, label, prefix + k, "unknown key" + Suggestions.didYouMean(k, allowed)
                        + "; allowed: " + String.join(", ", allowed));
            }
        }
    }

    private static GenloomException bad(String source, String entry, String key, String message) {
        StringBuilder sb = new StringBuilder(source).append(": ");
        if (entry != null) {
            sb.append("model ").append(entry).append(": ");
        }
        if (key != null) {
            sb.append("key '").append(key).append("': ");
        }
        return GenloomException.invalidInput(sb.append(message).toString());
    }
}
