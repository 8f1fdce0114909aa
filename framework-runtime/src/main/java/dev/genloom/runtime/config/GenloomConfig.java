package dev.genloom.runtime.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.api.media.Image;
import dev.genloom.spi.Dtype;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The runtime's settings, from {@code genloom.yaml}, the environment and defaults, in that order
 * of precedence: an environment variable beats the file, the file beats the default.
 *
 * <p>The file is the one given explicitly, else {@code $GENLOOM_HOME/genloom.yaml} (with
 * {@code GENLOOM_HOME} defaulting to {@code ~/.genloom}) where it exists. In the file, {@code ~}
 * expands to the user's home directory, a relative {@code home} is taken from the file's folder,
 * and relative {@code plugins}, {@code models} and {@code cache} paths from {@code home}. Paths in
 * environment variables are taken from the working directory. Unknown keys and bad values are
 * {@link ErrorKind#INVALID_INPUT} errors naming the file (or variable), the key and what is allowed.
 *
 * @param home                the Genloom home folder
 * @param plugins             folders searched for plugin jars, in order
 * @param models              folders searched for models, in order
 * @param cache               where fetched models and unpacked native libraries go
 * @param device              where models run
 * @param intraOpThreads      ONNX Runtime threads within one operator; 0 = ONNX Runtime's default
 * @param interOpThreads      ONNX Runtime threads across operators; 0 = ONNX Runtime's default
 * @param optimization        ONNX Runtime's graph optimisation level
 * @param optimizedCache      whether models are kept as ONNX Runtime optimised them, under
 *                            {@code <cache>/optimized}, so that later loads start from there (CPU only)
 * @param dtype               the preferred dtype variant of model files
 * @param pipelineParallelism how many independent pipeline steps run at once (at least 1)
 * @param maxImagePixels      the most pixels an image read from a file may have (its header is
 *                            checked before it is decoded); {@code media.max-image-pixels}
 * @param hub                 where the fetcher downloads models from (a URL, or a folder mirror)
 * @param source              the file these settings were read from, or null where none was
 */
public record GenloomConfig(
        Path home,
        List<Path> plugins,
        List<Path> models,
        Path cache,
        DeviceSpec device,
        int intraOpThreads,
        int interOpThreads,
        Optimization optimization,
        boolean optimizedCache,
        Dtype dtype,
        int pipelineParallelism,
        long maxImagePixels,
        String hub,
        Path source) {

    /** The name of the configuration file in the home folder. */
    public static final String FILE_NAME = "genloom.yaml";

    public static final String ENV_HOME = "GENLOOM_HOME";
    public static final String ENV_PLUGINS = "GENLOOM_PLUGINS";
    public static final String ENV_MODELS = "GENLOOM_MODELS";
    public static final String ENV_CACHE = "GENLOOM_CACHE";
    public static final String ENV_DEVICE = "GENLOOM_DEVICE";
    public static final String ENV_HUB = "GENLOOM_HUB";
    public static final String ENV_OPTIMIZED_CACHE = "GENLOOM_OPTIMIZED_CACHE";

    public static final String DEFAULT_HUB = "https://huggingface.co";
    public static final int DEFAULT_PARALLELISM = 2;
    private static final int MAX_THREADS = 4096;

    private static final List<String> TOP_KEYS = List.of(
            "home", "plugins", "models", "cache", "device", "threads", "optimization", "optimized-cache", "dtype",
            "pipeline", "media", "hub");
    private static final List<String> THREAD_KEYS = List.of("intra-op", "inter-op");
    private static final List<String> PIPELINE_KEYS = List.of("parallelism");
    private static final List<String> MEDIA_KEYS = List.of("max-image-pixels");

    public GenloomConfig {
        Objects.requireNonNull(home, "home");
        plugins = List.copyOf(plugins);
        models = List.copyOf(models);
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(optimization, "optimization");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(hub, "hub");
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw GenloomException.invalidInput("threads must be 0 (ONNX Runtime's default) or more, not "
                    + intraOpThreads + "/" + interOpThreads);
        }
        if (pipelineParallelism < 1) {
            throw GenloomException.invalidInput("pipeline parallelism must be at least 1, not " + pipelineParallelism);
        }
        if (maxImagePixels < 1 || maxImagePixels > Image.MAX_PIXELS) {
            throw GenloomException.invalidInput("the image pixel limit (media.max-image-pixels) must be from 1 to "
                    + Image.MAX_PIXELS + ", not " + maxImagePixels);
        }
    }

    // ------------------------------------------------------------------ loading

    /** The defaults, with the environment's overrides; no file is read. */
    public static GenloomConfig defaults(Map<String, String> env) {
        return build(null, null, env == null ? Map.of() : env);
    }

    /**
     * Loads the settings: from {@code explicitFileOrNull} if given (it must exist), else from
     * {@code $GENLOOM_HOME/genloom.yaml} where present, else the defaults; the environment
     * overrides the file either way.
     */
    public static GenloomConfig load(Path explicitFileOrNull, Map<String, String> env) {
        Map<String, String> e = env == null ? Map.of() : env;
        Path file = explicitFileOrNull;
        if (file == null) {
            Path candidate = lookupHome(e).resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                file = candidate;
            }
        } else {
            file = file.toAbsolutePath().normalize();
            UserFiles.requireFile(file, "configuration file");
        }
        if (file == null) {
            return build(null, null, e);
        }
        return build(file, read(file), e);
    }

    private static Path lookupHome(Map<String, String> env) {
        String h = nonBlank(env.get(ENV_HOME));
        return h != null ? envPath(ENV_HOME, h) : defaultHome();
    }

    private static Path defaultHome() {
        return userHome().resolve(".genloom");
    }

    private static Path userHome() {
        return Paths.get(System.getProperty("user.home"));
    }

    private static JsonNode read(Path file) {
        String text = YamlFiles.read(file, "configuration file");
        ObjectMapper mapper = new ObjectMapper(YamlFiles.factory());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException ex) {
            String where = ex.getLocation() == null ? ""
                    : " at line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr();
            throw new GenloomException(ErrorKind.INVALID_INPUT,
                    file + ": not valid YAML" + where + ": " + ex.getOriginalMessage(), null, ex);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null; // an empty file: all defaults
        }
        if (!root.isObject()) {
            throw GenloomException.invalidInput(file + ": expected a mapping of settings (key: value), found a "
                    + describe(root), "see config/genloom.yaml for the settings and their defaults");
        }
        checkKeys(file, "", root, TOP_KEYS);
        return root;
    }

    private static void checkKeys(Path file, String prefix, JsonNode node, List<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw GenloomException.invalidInput(file + ": unknown key '" + prefix + name + "'; allowed keys"
                        + (prefix.isEmpty() ? "" : " under '" + prefix.substring(0, prefix.length() - 1) + "'")
                        + ": " + String.join(", ", allowed));
            }
        }
    }

    private static GenloomConfig build(Path file, JsonNode root, Map<String, String> env) {
        FileValues f = new FileValues(file, root);

        // home: env > file > ~/.genloom
        Path home;
        String envHome = nonBlank(env.get(ENV_HOME));
        if (envHome != null) {
            home = envPath(ENV_HOME, envHome);
        } else {
            home = f.path("home", file == null ? null : file.getParent());
            if (home == null) {
                home = defaultHome();
            }
        }

        List<Path> plugins = envPathList(ENV_PLUGINS, env);
        if (plugins == null) {
            plugins = f.pathList("plugins", home);
        }
        if (plugins == null) {
            plugins = List.of(home.resolve("plugins"));
        }

        List<Path> models = envPathList(ENV_MODELS, env);
        if (models == null) {
            models = f.pathList("models", home);
        }
        if (models == null) {
            models = List.of(home.resolve("models"));
        }

        Path cache;
        String envCache = nonBlank(env.get(ENV_CACHE));
        if (envCache != null) {
            cache = envPath(ENV_CACHE, envCache);
        } else {
            cache = f.path("cache", home);
            if (cache == null) {
                cache = home.resolve("cache");
            }
        }

        DeviceSpec device;
        String envDevice = nonBlank(env.get(ENV_DEVICE));
        if (envDevice != null) {
            device = DeviceSpec.parse(envDevice).orElseThrow(() -> badEnv(ENV_DEVICE, envDevice, DeviceSpec.ALLOWED));
        } else {
            device = f.choice("device", DeviceSpec::parse, DeviceSpec.ALLOWED, DeviceSpec.AUTO);
        }

        JsonNode threads = f.section("threads", THREAD_KEYS);
        int intra = f.integer(threads, "threads.intra-op", 0, MAX_THREADS, 0);
        int inter = f.integer(threads, "threads.inter-op", 0, MAX_THREADS, 0);

        Optimization optimization = f.choice("optimization", Optimization::parse, Optimization.allowed(),
                Optimization.ALL);
        boolean optimizedCache;
        String envOptimizedCache = nonBlank(env.get(ENV_OPTIMIZED_CACHE));
        if (envOptimizedCache != null) {
            optimizedCache = parseBoolean(envOptimizedCache)
                    .orElseThrow(() -> badEnv(ENV_OPTIMIZED_CACHE, envOptimizedCache, BOOLEAN_ALLOWED));
        } else {
            optimizedCache = f.bool("optimized-cache", true);
        }
        Dtype dtype = f.choice("dtype", Dtype::parse, Dtype.allowed(), Dtype.FP32);

        JsonNode pipeline = f.section("pipeline", PIPELINE_KEYS);
        int parallelism = f.integer(pipeline, "pipeline.parallelism", 1, 1024, DEFAULT_PARALLELISM);

        JsonNode media = f.section("media", MEDIA_KEYS);
        long maxImagePixels = f.integer(media, "media.max-image-pixels", 1, (int) Image.MAX_PIXELS,
                (int) Image.DEFAULT_MAX_PIXELS);

        String hub;
        String envHub = nonBlank(env.get(ENV_HUB));
        if (envHub != null) {
            hub = checkHub(envHub).orElseThrow(() -> badEnv(ENV_HUB, envHub, HUB_ALLOWED));
        } else {
            hub = f.hub();
        }

        return new GenloomConfig(home, plugins, models, cache, device, intra, inter, optimization, optimizedCache, dtype,
                parallelism, maxImagePixels, hub, file);
    }

    private static final String BOOLEAN_ALLOWED = "true or false (also 1 or 0, yes or no, on or off)";

    /** true/false, 1/0, yes/no, on/off, in any case. */
    private static Optional<Boolean> parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> Optional.of(true);
            case "false", "0", "no", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static final String HUB_ALLOWED = "an http(s) URL (https://huggingface.co or a mirror) or a folder";

    /** A hub is an http(s) URL, or a folder (returned absolute, {@code ~} expanded). */
    private static Optional<String> checkHub(String text) {
        String s = text.trim();
        if (s.startsWith("http://") || s.startsWith("https://")) {
            try {
                URI uri = new URI(s);
                if (uri.getHost() == null) {
                    return Optional.empty();
                }
                return Optional.of(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            } catch (URISyntaxException ex) {
                return Optional.empty();
            }
        }
        if (s.contains("://")) {
            return Optional.empty();
        }
        try {
            return Optional.of(expand(s).toAbsolutePath().normalize().toString());
        } catch (InvalidPathException ex) {
            return Optional.empty();
        }
    }

    private static GenloomException badEnv(String variable, String value, String allowed) {
        return GenloomException.invalidInput("environment variable " + variable + " has the value '" + value
                + "'; allowed: " + allowed);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Path envPath(String variable, String value) {
        try {
            return expand(value).toAbsolutePath().normalize();
        } catch (InvalidPathException ex) {
            throw badEnv(variable, value, "a path");
        }
    }

    private static List<Path> envPathList(String variable, Map<String, String> env) {
        String value = nonBlank(env.get(variable));
        if (value == null) {
            return null;
        }
        List<Path> out = new ArrayList<>();
        for (String part : value.split(Pattern.quote(File.pathSeparator))) {
            if (!part.isBlank()) {
                out.add(envPath(variable, part.trim()));
            }
        }
        if (out.isEmpty()) {
            throw badEnv(variable, value, "one or more paths separated by '" + File.pathSeparator + "'");
        }
        return out;
    }

    /** Expands a leading {@code ~} to the user's home directory. */
    static Path expand(String path) {
        if (path.equals("~")) {
            return userHome();
        }
        if (path.startsWith("~/") || path.startsWith("~" + File.separator)) {
            return userHome().resolve(path.substring(2));
        }
        return Paths.get(path);
    }

    private static String describe(JsonNode node) {
        JsonNodeType t = node.getNodeType();
        return switch (t) {
            case ARRAY -> "list";
            case OBJECT -> "mapping";
            case STRING -> "text";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Typed access to the file's values, with errors naming the file and key. */
    private static final class FileValues {
        private final Path file;
        private final JsonNode root;

        FileValues(Path file, JsonNode root) {
            this.file = file;
            this.root = root;
        }

        private JsonNode get(JsonNode parent, String key) {
            if (parent == null) {
                return null;
            }
            String leaf = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
            JsonNode n = parent.get(leaf);
            return n == null || n.isNull() ? null : n;
        }

        private GenloomException bad(String key, JsonNode value, String allowed) {
            String shown = value.isValueNode() ? "'" + value.asText() + "'" : "a " + describe(value);
            return GenloomException.invalidInput(file + ": key '" + key + "' has the value " + shown
                    + "; allowed: " + allowed, "see config/genloom.yaml for the settings and their defaults");
        }

        JsonNode section(String key, List<String> keys) {
            JsonNode n = get(root, key);
            if (n == null) {
                return null;
            }
            if (!n.isObject()) {
                throw bad(key, n, "a mapping with the keys " + String.join(", ", keys));
            }
            checkKeys(file, key + ".", n, keys);
            return n;
        }

        private Path toPath(String key, JsonNode n, Path base, String allowed) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw bad(key, n, allowed);
            }
            try {
                Path p = expand(n.asText().trim());
                if (!p.isAbsolute() && base != null) {
                    p = base.resolve(p);
                }
                return p.toAbsolutePath().normalize();
            } catch (InvalidPathException ex) {
                throw bad(key, n, allowed);
            }
        }

        Path path(String key, Path base) {
            JsonNode n = get(root, key);
            return n == null ? null : toPath(key, n, base, "a path");
        }

        List<Path> pathList(String key, Path base) {
            JsonNode n = get(root, key);
            if (n == null) {
                return null;
            }
            String allowed = "a path or a list of paths";
            if (n.isTextual()) {
                return List.of(toPath(key, n, base, allowed));
            }
            if (!n.isArray() || n.isEmpty()) {
                throw bad(key, n, allowed);
            }
            List<Path> out = new ArrayList<>();
            for (JsonNode item : n) {
                out.add(toPath(key, item, base, allowed));
            }
            return out;
        }

        <T> T choice(String key, Function<String, Optional<T>> parser, String allowed, T fallback) {
            JsonNode n = get(root, key);
            if (n == null) {
                return fallback;
            }
            if (!n.isValueNode()) {
                throw bad(key, n, allowed);
            }
            return parser.apply(n.asText()).orElseThrow(() -> bad(key, n, allowed));
        }

        int integer(JsonNode parent, String key, int min, int max, int fallback) {
            JsonNode n = get(parent, key);
            if (n == null) {
                return fallback;
            }
            String allowed = "a whole number from " + min + " to " + max;
            if (!n.canConvertToExactIntegral() || !n.canConvertToInt()) {
                throw bad(key, n, allowed);
            }
            int v = n.intValue();
            if (v < min || v > max) {
                throw bad(key, n, allowed);
            }
            return v;
        }

        boolean bool(String key, boolean fallback) {
            JsonNode n = get(root, key);
            if (n == null) {
                return fallback;
            }
            if (n.isBoolean()) {
                return n.booleanValue();
            }
            if (!n.isValueNode()) {
                throw bad(key, n, BOOLEAN_ALLOWED);
            }
            return parseBoolean(n.asText()).orElseThrow(() -> bad(key, n, BOOLEAN_ALLOWED));
        }

        String hub() {
            JsonNode n = get(root, "hub");
            if (n == null) {
                return DEFAULT_HUB;
            }
            if (!n.isTextual()) {
                throw bad("hub", n, HUB_ALLOWED);
            }
            return checkHub(n.asText()).orElseThrow(() -> bad("hub", n, HUB_ALLOWED));
        }
    }

    // ------------------------------------------------------------------ overrides (CLI)

    /** With another device ({@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N}). */
    public GenloomConfig withDevice(String device) {
        DeviceSpec d = DeviceSpec.parse(device).orElseThrow(() -> GenloomException.invalidInput(
                "device '" + device + "' is not one of: " + DeviceSpec.ALLOWED));
        return withDevice(d);
    }

    public GenloomConfig withDevice(DeviceSpec device) {
        return new GenloomConfig(home, plugins, models, cache, Objects.requireNonNull(device, "device"),
                intraOpThreads, interOpThreads, optimization, optimizedCache, dtype, pipelineParallelism, maxImagePixels, hub, source);
    }

    /** With other thread counts; 0 means ONNX Runtime's default. */
    public GenloomConfig withThreads(int intraOp, int interOp) {
        GenloomException.require(intraOp >= 0 && intraOp <= MAX_THREADS,
                "intra-op threads must be from 0 (ONNX Runtime's default) to " + MAX_THREADS + ", not " + intraOp);
        GenloomException.require(interOp >= 0 && interOp <= MAX_THREADS,
                "inter-op threads must be from 0 (ONNX Runtime's default) to " + MAX_THREADS + ", not " + interOp);
        return new GenloomConfig(home, plugins, models, cache, device, intraOp, interOp, optimization, optimizedCache, dtype,
                pipelineParallelism, maxImagePixels, hub, source);
    }

    public GenloomConfig withIntraOpThreads(int intraOp) {
        return withThreads(intraOp, interOpThreads);
    }

    public GenloomConfig withInterOpThreads(int interOp) {
        return withThreads(intraOpThreads, interOp);
    }

    /** With other plugin folders (made absolute), replacing the configured ones. */
    public GenloomConfig withPlugins(List<Path> dirs) {
        return new GenloomConfig(home, absolute("plugin folders", dirs), models, cache, device, intraOpThreads,
                interOpThreads, optimization, optimizedCache, dtype, pipelineParallelism, maxImagePixels, hub, source);
    }

    /** With other model folders (made absolute), replacing the configured ones. */
    public GenloomConfig withModels(List<Path> dirs) {
        return new GenloomConfig(home, plugins, absolute("model folders", dirs), cache, device, intraOpThreads,
                interOpThreads, optimization, optimizedCache, dtype, pipelineParallelism, maxImagePixels, hub, source);
    }

    public GenloomConfig withCache(Path dir) {
        GenloomException.require(dir != null, "the cache folder is missing");
        return new GenloomConfig(home, plugins, models, dir.toAbsolutePath().normalize(), device, intraOpThreads,
                interOpThreads, optimization, optimizedCache, dtype, pipelineParallelism, maxImagePixels, hub, source);
    }

    /** With another preferred dtype ({@code fp32}, {@code fp16}, {@code quantized}, ...). */
    public GenloomConfig withDtype(String dtype) {
        Dtype d = Dtype.parse(dtype).orElseThrow(() -> GenloomException.invalidInput(
                "dtype '" + dtype + "' is not one of: " + Dtype.allowed()));
        return new GenloomConfig(home, plugins, models, cache, device, intraOpThreads, interOpThreads,
                optimization, optimizedCache, d, pipelineParallelism, maxImagePixels, hub, source);
    }

    public GenloomConfig withOptimization(String level) {
        Optimization o = Optimization.parse(level).orElseThrow(() -> GenloomException.invalidInput(
                "optimization '" + level + "' is not one of: " + Optimization.allowed()));
        return new GenloomConfig(home, plugins, models, cache, device, intraOpThreads, interOpThreads, o, optimizedCache, dtype,
                pipelineParallelism, maxImagePixels, hub, source);
    }

    /** With the optimised-model cache on or off. */
    public GenloomConfig withOptimizedCache(boolean on) {
        return new GenloomConfig(home, plugins, models, cache, device, intraOpThreads, interOpThreads, optimization,
                on, dtype, pipelineParallelism, maxImagePixels, hub, source);
    }

    /** With another limit on the pixels of an image read from a file ({@code media.max-image-pixels}). */
    public GenloomConfig withMaxImagePixels(long maxPixels) {
        return new GenloomConfig(home, plugins, models, cache, device, intraOpThreads, interOpThreads,
                optimization, optimizedCache, dtype, pipelineParallelism, maxPixels, hub, source);
    }

    /**
     * Checks that every plugins folder is a folder, so that one named wrongly is not taken for
     * "no plugins": a missing folder, a file and a symbolic link loop are
     * {@link ErrorKind#INVALID_INPUT} errors. The default folder, {@code <home>/plugins}, may be
     * absent (nothing is installed yet); a file there is an error all the same.
     *
     * @param namedBy who named the folders, for the message ({@code GENLOOM_PLUGINS}, a file's
     *                key); null where nobody did (the defaults)
     */
    public void checkPluginFolders(String namedBy) {
        Path defaultFolder = home.resolve("plugins").toAbsolutePath().normalize();
        for (Path folder : plugins) {
            boolean absent = !Files.exists(folder) && UserFiles.linkLoop(folder).isEmpty();
            if (absent && folder.toAbsolutePath().normalize().equals(defaultFolder)) {
                continue;
            }
            UserFiles.requireFolder(folder, "plugins folder", (namedBy == null ? "" : "it was named by " + namedBy + "; ")
                    + "name a folder that holds plugin jars or zips, or create this one");
        }
    }

    private static List<Path> absolute(String what, List<Path> dirs) {
        GenloomException.require(dirs != null && !dirs.isEmpty() && dirs.stream().allMatch(Objects::nonNull),
                "give at least one of the " + what);
        return dirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** Keys accepted at the top level of the file (for documentation and tools). */
    public static Set<String> keys() {
        return Set.copyOf(TOP_KEYS);
    }
}
