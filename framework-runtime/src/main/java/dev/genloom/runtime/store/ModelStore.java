package dev.genloom.runtime.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.api.task.Suggestions;
import dev.genloom.runtime.plugins.LoadedFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds model folders and the family that loads each.
 *
 * <p>A model is named by a path to its folder or by its name under one of the model directories,
 * which are searched in order (typically the entries of {@code GENLOOM_MODELS}, then the fetch
 * cache). Names may have an organisation part, {@code openai/whisper-tiny}, found either as
 * {@code <dir>/openai/whisper-tiny} or in the hub-cache spelling {@code <dir>/openai--whisper-tiny}.
 *
 * <p>The family is the one named by the caller, else the one named by {@code family:} in the
 * folder's {@code genloom-model.yaml}, else the one installed family whose
 * {@link dev.genloom.spi.ModelFamily#recognize recognize} claims the folder. A family named
 * explicitly is used without asking it. A family whose {@code recognize} throws counts as not
 * recognising the folder; it is logged once and resolution goes on.
 *
 * <p>Safe to use from several threads at once. {@link LocalModelFolder} instances are kept per
 * path, with what they have read; {@link #forget()} drops them after the disk changed (a fetch).
 */
public final class ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    /** Marker files: a folder holding one of these is a model folder. */
    private static final List<String> MARKERS = List.of("config.json", "model_index.json", LocalModelFolder.MANIFEST);
    /** Sub-folders whose {@code .onnx} files make their parent a model folder. */
    private static final List<String> ONNX_SUBFOLDERS = List.of("onnx", "unet", "transformer", "text_encoder",
            "text_encoder_2", "text_encoder_3", "vae_decoder", "vae_encoder", "encoder", "decoder");
    private static final int MAX_LISTED_ONNX = 8;

    private final List<Path> modelDirs;
    private final Supplier<List<LoadedFamily>> families;
    private final Path workingDirectory;
    private final Path homeDirectory;
    private final ConcurrentMap<Path, LocalModelFolder> folders = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile Function<String, Optional<String>> aliases = n -> Optional.empty();

    /**
     * A store over the given model directories, searched in order, with relative paths taken from
     * the process's working directory and {@code ~} from {@code user.home}.
     *
     * @param modelDirs the model directories, in the order they are searched; missing ones are skipped
     * @param families  the installed families, asked on each resolution (so plugins may come and go)
     */
    public ModelStore(List<Path> modelDirs, Supplier<List<LoadedFamily>> families) {
        this(modelDirs, families, Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home", ".")));
    }

    /**
     * A store that takes relative paths from {@code workingDirectory} and {@code ~} from
     * {@code homeDirectory}.
     */
    public ModelStore(List<Path> modelDirs, Supplier<List<LoadedFamily>> families, Path workingDirectory,
                      Path homeDirectory) {
        this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory").toAbsolutePath().normalize();
        this.homeDirectory = Objects.requireNonNull(homeDirectory, "homeDirectory").toAbsolutePath().normalize();
        this.modelDirs = Objects.requireNonNull(modelDirs, "modelDirs").stream()
                .map(d -> this.workingDirectory.resolve(expandHome(d.toString()).orElse(d)).normalize())
                .distinct()
                .toList();
        this.families = Objects.requireNonNull(families, "families");
    }

    /** The model directories, absolute, in the order they are searched. */
    public List<Path> modelDirs() {
        return modelDirs;
    }

    /** The folder at a path, shared with every other caller asking for the same path. */
    public LocalModelFolder folder(Path path) {
        Path p = workingDirectory.resolve(path).toAbsolutePath().normalize();
        return folders.computeIfAbsent(p, LocalModelFolder::new);
    }

    /** Drops the folders kept so far, so that files added or changed on disk are seen. */
    public void forget() {
        folders.clear();
    }

    /** {@link #resolve(String, String)} without a family: the folder's files decide. */
    public ResolvedModel resolve(String nameOrPath) {
        return resolve(nameOrPath, null);
    }

    /**
     * Resolves a model to its folder and its family.
     *
     * @param nameOrPath   a folder (absolute, relative to the working directory, or {@code ~/...}),
     *                     or a model name under the model directories ({@code gpt2},
     *                     {@code openai/whisper-tiny})
     * @param familyOrNull the family to load it with, or null to use the folder's
     *                     {@code genloom-model.yaml} or ask the installed families
     * @throws GenloomException {@code MODEL_NOT_FOUND} where no folder has that name;
     *                          {@code INVALID_INPUT} where {@code familyOrNull} is not installed;
     *                          {@code MODEL_INCOMPATIBLE} where no family recognises the folder, its
     *                          {@code genloom-model.yaml} names a family not installed, or one of its
     *                          files is malformed; {@code AMBIGUOUS_MODEL} where several families
     *                          recognise it
     */
    public ResolvedModel resolve(String nameOrPath, String familyOrNull) {
        Located located = locateFolder(nameOrPath);
        LocalModelFolder folder = folder(located.path());
        Decision d = decide(folder, blankToNull(familyOrNull));
        if (d.error() != null) {
            throw d.error();
        }
        String name = folder.manifestName().orElse(located.name());
        return new ResolvedModel(name, folder, d.family(), d.reason());
    }

    /**
     * The folder a model name or path leads to, without choosing a family.
     *
     * @throws GenloomException {@code MODEL_NOT_FOUND} where there is none
     */
    public Path locate(String nameOrPath) {
        return locateFolder(nameOrPath).path();
    }

    /**
     * The folder of a model another model works with (see
     * {@link dev.genloom.spi.ModelContext#companion(String)}): a name looked for in the model
     * directories in order, then as the catalog alias of a fetched repository. The working
     * directory is not searched and paths are refused. A folder of that name is answered whether
     * or not it looks like a model (no {@code config.json} is needed); its user checks its files.
     *
     * @return the folder, or empty where no model directory holds one of that name
     * @throws GenloomException {@code INVALID_INPUT} where the name is blank, a path, or leaves the
     *                          model directories
     */
    public Optional<LocalModelFolder> companion(String name) {
        GenloomException.require(name != null && !name.isBlank(), "no companion model name given");
        String given = name.strip();
        // asName refuses absolute paths, ~ and ..; findNamed keeps what it finds inside the model dirs
        Optional<String> plain = asName(given);
        if (plain.isEmpty()) {
            throw GenloomException.invalidInput("companion model '" + given + "' is not a model name",
                    "give a name such as silero-vad, found under the model directories");
        }
        Located found = findNamed(plain.get(), plain.get());
        if (found == null) {
            Optional<String> alias = aliases.apply(plain.get()).flatMap(ModelStore::asName)
                    .filter(a -> !a.equals(plain.get()));
            if (alias.isPresent()) {
                found = findNamed(alias.get(), plain.get());
            }
        }
        return found == null ? Optional.empty() : Optional.of(folder(found.path()));
    }

    /**
     * Every model folder in the model directories, in their order and then by name, with what
     * loads it. A folder counts when it holds {@code config.json}, {@code model_index.json},
     * {@code genloom-model.yaml} or {@code .onnx} files (directly or in {@code onnx/},
     * {@code unet/}, {@code text_encoder/}, ...); folders are looked for two levels deep, so
     * {@code org/repo} layouts are found, and a model folder's own sub-folders are not listed as
     * models. A folder that cannot be read is listed as {@link ModelListing.Status#BROKEN}; this
     * never throws for one bad folder.
     */
    public List<ModelListing> list() {
        List<LoadedFamily> installed = installed();
        Set<String> seen = new HashSet<>();
        List<ModelListing> out = new ArrayList<>();
        for (Found f : scan()) {
            boolean shadowed = !seen.add(canonical(f.name()));
            out.add(listing(f, installed, shadowed));
        }
        return out;
    }

    /**
     * Whether a directory looks like a model folder: it holds {@code config.json},
     * {@code model_index.json}, {@code genloom-model.yaml} or {@code .onnx} files, directly or in
     * one of the sub-folders exporters use ({@code onnx/}, {@code unet/}, {@code text_encoder/}, ...).
     */
    public static boolean looksLikeModel(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (String marker : MARKERS) {
            if (Files.isRegularFile(dir.resolve(marker))) {
                return true;
            }
        }
        if (hasOnnx(dir)) {
            return true;
        }
        for (String sub : ONNX_SUBFOLDERS) {
            Path s = dir.resolve(sub);
            if (Files.isDirectory(s) && hasOnnx(s)) {
                return true;
            }
        }
        return false;
    }

    // --- finding folders -------------------------------------------------------------------------

    private record Located(String name, Path path) {
    }

    private record Found(String name, Path path, Path modelDir) {
    }

    private Located locateFolder(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw GenloomException.invalidInput("no model given",
                    "give a model name (`genloom models` lists them) or the path of a model folder");
        }
        String given = nameOrPath.strip();
        Optional<Path> asPath = asPath(given);
        if (asPath.isPresent()) {
            Path p = asPath.get();
            if (Files.isDirectory(p)) {
                return new Located(nameOf(p), p);
            }
            if (Files.isRegularFile(p)) {
                throw new GenloomException(ErrorKind.MODEL_NOT_FOUND,
                        "'" + given + "' is a file (" + p + "), not a model folder",
                        "give the folder that holds the model: " + p.getParent());
            }
            Optional<Path> loop = UserFiles.linkLoop(p);
            if (loop.isPresent()) {
                UserFiles.requireFolder(p, "model folder", null);
            }
        }
        Optional<String> name = asName(given);
        if (name.isPresent()) {
            Located found = findNamed(name.get(), name.get());
            if (found != null) {
                return found;
            }
            // A catalog name ("whisper-tiny.en") stands for the repository it was fetched from.
            Optional<String> alias = aliases.apply(name.get()).flatMap(ModelStore::asName)
                    .filter(a -> !a.equals(name.get()));
            if (alias.isPresent()) {
                found = findNamed(alias.get(), name.get());
                if (found != null) {
                    return found;
                }
            }
        }
        throw notFound(given, asPath.orElse(null));
    }

    private Located findNamed(String name, String shownName) {
        Path fallback = null;
        for (Path dir : modelDirs) {
            for (String spelling : spellings(name)) {
                Path candidate = dir.resolve(spelling).normalize();
                if (!candidate.startsWith(dir)) {
                    continue;
                }
                if (!Files.isDirectory(candidate)) {
                    // a loop inside this model directory is the model asked for; one at the
                    // directory itself is said where nothing is found (notFound)
                    Optional<Path> loop = Files.exists(candidate) ? Optional.empty() : UserFiles.linkLoop(candidate);
                    if (loop.isPresent() && loop.get().startsWith(dir) && !loop.get().equals(dir)) {
                        UserFiles.requireFolder(candidate, "model folder", null);
                    }
                    continue;
                }
                if (looksLikeModel(candidate)) {
                    return new Located(shownName, candidate);
                }
                if (fallback == null) {
                    fallback = candidate;
                }
            }
        }
        // A folder of that name that does not look like a model: let the family check say why.
        return fallback == null ? null : new Located(shownName, fallback);
    }

    /**
     * Other names models may be asked for by: given a name found in no model directory, the
     * function may answer the name to look for instead (a catalog name answers its repository id,
     * under which the fetcher stores it). Asked only after a miss.
     */
    public ModelStore aliases(Function<String, Optional<String>> aliasOf) {
        this.aliases = Objects.requireNonNull(aliasOf, "aliasOf");
        return this;
    }

    private GenloomException notFound(String given, Path asPath) {
        StringBuilder msg = new StringBuilder("model '").append(given).append("' not found: ");
        if (asPath != null) {
            msg.append("there is no folder ").append(asPath).append(", and ");
        }
        if (modelDirs.isEmpty()) {
            msg.append("no model directories are set");
        } else {
            msg.append("no model of that name is in ")
                    .append(modelDirs.stream()
                            .map(d -> Files.isDirectory(d) ? d.toString()
                                    : d + (UserFiles.linkLoop(d).isPresent() ? " (a symbolic link loop)" : " (missing)"))
                            .collect(Collectors.joining(", ")));
        }
        List<String> present = new ArrayList<>();
        for (Found f : scan()) {
            present.add(f.name());
        }
        msg.append(suggest(given, present));
        // only names can be fetched, never a path
        String hint = "`genloom models` lists the models present"
                + (asName(given).isPresent() ? "; `genloom fetch " + given + "` downloads one from the catalog"
                        : "; check the path");
        if (modelDirs.isEmpty()) {
            hint += "; set GENLOOM_MODELS to the folders that hold your models";
        }
        return new GenloomException(ErrorKind.MODEL_NOT_FOUND, msg.toString(), hint);
    }

    /** " (did you mean 'x'?)" by the whole name, else by the part after the organisation. */
    static String suggest(String given, List<String> present) {
        String g = given.replace('\\', '/');
        Map<String, String> byCanonical = new LinkedHashMap<>();
        for (String p : present) {
            byCanonical.putIfAbsent(canonical(p), p);
        }
        Optional<String> hit = Suggestions.closest(canonical(g), byCanonical.keySet()).map(byCanonical::get);
        if (hit.isEmpty()) {
            Map<String, String> byRepo = new LinkedHashMap<>();
            for (String p : present) {
                byRepo.putIfAbsent(lastSegment(canonical(p)), p);
            }
            hit = Suggestions.closest(lastSegment(canonical(g)), byRepo.keySet()).map(byRepo::get);
        }
        return hit.filter(h -> !h.equals(given)).map(h -> " (did you mean '" + h + "'?)").orElse("");
    }

    private Optional<Path> asPath(String given) {
        try {
            Optional<Path> home = expandHome(given);
            if (home.isPresent()) {
                return home;
            }
            return Optional.of(workingDirectory.resolve(Path.of(given)).normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private Optional<Path> expandHome(String s) {
        if (s.equals("~")) {
            return Optional.of(homeDirectory);
        }
        if (s.startsWith("~/") || s.startsWith("~" + File.separator)) {
            return Optional.of(homeDirectory.resolve(s.substring(2)).normalize());
        }
        return Optional.empty();
    }

    /** The name as '/'-separated segments, where it is a plain name that stays inside a model dir. */
    private static Optional<String> asName(String given) {
        String n = given.replace('\\', '/');
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty() || n.startsWith("/") || n.startsWith("~")) {
            return Optional.empty();
        }
        for (String segment : n.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        return Optional.of(n);
    }

    /** {@code org/repo} and {@code org--repo} name the same model. */
    private static List<String> spellings(String name) {
        if (name.contains("/")) {
            return List.of(name, name.replace("/", "--"));
        }
        if (name.contains("--")) {
            return List.of(name, name.replace("--", "/"));
        }
        return List.of(name);
    }

    private static String canonical(String name) {
        return name.contains("/") ? name : name.replace("--", "/");
    }

    private static String lastSegment(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }

    /** A folder's name: relative to the model directory holding it, else its own file name. */
    private String nameOf(Path folder) {
        for (Path dir : modelDirs) {
            if (folder.startsWith(dir) && !folder.equals(dir)) {
                return dir.relativize(folder).toString().replace(folder.getFileSystem().getSeparator(), "/");
            }
        }
        Path fileName = folder.getFileName();
        return fileName == null ? folder.toString() : fileName.toString();
    }

    /** The model folders of every model directory, one or two levels deep. */
    private List<Found> scan() {
        List<Found> out = new ArrayList<>();
        for (Path dir : modelDirs) {
            for (Path child : subdirectories(dir)) {
                String childName = child.getFileName().toString();
                if (looksLikeModel(child)) {
                    out.add(new Found(childName, child, dir));
                    continue;
                }
                for (Path grandChild : subdirectories(child)) {
                    if (looksLikeModel(grandChild)) {
                        out.add(new Found(childName + "/" + grandChild.getFileName(), grandChild, dir));
                    }
                }
            }
        }
        return out;
    }

    private static List<Path> subdirectories(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(ModelStore::isFolderOrSayWhy)
                    .sorted()
                    .toList();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot list {}: {}", dir, e.toString());
            return List.of();
        }
    }

    /** Whether an entry of a model directory is a folder; a link loop there is logged as one, once per scan. */
    private static boolean isFolderOrSayWhy(Path p) {
        if (Files.isDirectory(p)) {
            return true;
        }
        if (Files.isSymbolicLink(p) && !Files.exists(p)) {
            UserFiles.linkLoop(p).ifPresent(loop -> LOG.warn("skipping {}: symbolic link loop at {}", p, loop));
        }
        return false;
    }

    private static boolean hasOnnx(Path dir) {
        try (DirectoryStream<Path> onnx = Files.newDirectoryStream(dir, "*.onnx")) {
            for (Path p : onnx) {
                if (Files.isRegularFile(p)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // --- choosing the family ---------------------------------------------------------------------

    /** The outcome of choosing a family: either a family and why, or the error, with the claimants. */
    private record Decision(ModelListing.Status status, LoadedFamily family, String reason,
                            List<Claimant> claimants, GenloomException error) {
        static Decision resolved(LoadedFamily family, String reason, List<Claimant> claimants) {
            return new Decision(ModelListing.Status.RESOLVED, family, reason, claimants, null);
        }

        static Decision failed(ModelListing.Status status, List<Claimant> claimants, GenloomException error) {
            return new Decision(status, null, null, claimants, error);
        }
    }

    private ModelListing listing(Found f, List<LoadedFamily> installed, boolean shadowed) {
        Decision d;
        try {
            d = decide(folder(f.path()), null, installed);
        } catch (RuntimeException e) {
            // decide() reports what it expects as a Decision; anything else still must not end the listing.
            LOG.debug("Listing {} failed", f.path(), e);
            d = Decision.failed(ModelListing.Status.BROKEN, List.of(),
                    new GenloomException(ErrorKind.IO, "cannot inspect " + f.path() + ": " + e, null, e));
        }
        String detail = d.error() == null ? d.reason() : d.error().describe();
        return new ModelListing(f.name(), f.path(), f.modelDir(), d.status(), d.family(), detail,
                d.claimants(), shadowed);
    }

    private Decision decide(LocalModelFolder folder, String explicitFamily) {
        return decide(folder, explicitFamily, installed());
    }

    private Decision decide(LocalModelFolder folder, String explicitFamily, List<LoadedFamily> installed) {
        Optional<String> manifestFamily;
        try {
            // Read the files that decide first, so a malformed one is reported as itself rather
            // than as a family failing to recognise the folder.
            manifestFamily = folder.manifestFamily();
            folder.config();
            if (folder.has("model_index.json")) {
                folder.json("model_index.json");
            }
        } catch (GenloomException e) {
            return Decision.failed(ModelListing.Status.BROKEN, List.of(), e);
        }

        if (explicitFamily != null) {
            return named(explicitFamily, installed, "named by the caller", null, folder);
        }
        if (manifestFamily.isPresent()) {
            Path manifest = folder.path().resolve(LocalModelFolder.MANIFEST);
            return named(manifestFamily.get(), installed, "named in " + manifest, manifest, folder);
        }

        List<Claimant> claimants = new ArrayList<>();
        List<LoadedFamily> claimedBy = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (LoadedFamily lf : installed) {
            Optional<String> reason = recognize(lf, folder, failures);
            if (reason.isPresent()) {
                Claimant c = new Claimant(lf.name(), lf.pluginId(), reason.get());
                claimants.add(c);
                claimedBy.add(lf);
            }
        }
        if (claimants.size() == 1) {
            Claimant c = claimants.get(0);
            return Decision.resolved(claimedBy.get(0), c.reason(), claimants);
        }
        if (claimants.isEmpty()) {
            return Decision.failed(ModelListing.Status.NO_FAMILY, claimants, noFamily(folder, installed, failures));
        }
        String names = claimants.stream().map(Claimant::family).collect(Collectors.joining(", "));
        String first = claimants.get(0).family();
        GenloomException error = new GenloomException(ErrorKind.AMBIGUOUS_MODEL,
                "several installed plugins recognise " + folder.path() + ": "
                        + claimants.stream().map(Claimant::toString).collect(Collectors.joining("; ")),
                "say which family loads it (one of " + names + "): pass it as the family (`--family " + first
                        + "` on the command line), or write 'family: " + first + "' in "
                        + folder.path().resolve(LocalModelFolder.MANIFEST));
        return Decision.failed(ModelListing.Status.AMBIGUOUS, claimants, error);
    }

    /** A family named by the caller or the manifest: it must be installed, and is used without asking. */
    private static Decision named(String familyName, List<LoadedFamily> installed, String how, Path manifest,
                                  LocalModelFolder folder) {
        Optional<LoadedFamily> match = installed.stream().filter(lf -> lf.name().equals(familyName)).findFirst();
        if (match.isEmpty()) {
            List<LoadedFamily> ignoringCase = installed.stream()
                    .filter(lf -> lf.name().equalsIgnoreCase(familyName)).toList();
            if (ignoringCase.size() == 1) {
                match = Optional.of(ignoringCase.get(0));
            }
        }
        if (match.isPresent()) {
            LoadedFamily lf = match.get();
            return Decision.resolved(lf, "family " + lf.name() + " " + how,
                    List.of(new Claimant(lf.name(), lf.pluginId(), how)));
        }
        List<String> names = installed.stream().map(LoadedFamily::name).toList();
        String message = "family '" + familyName + "' " + how + " for " + folder.path() + " is not installed"
                + Suggestions.didYouMean(familyName, names) + "; " + installedText(installed);
        String hint = "install the plugin that provides '" + familyName + "', or name one of the installed families"
                + " (`genloom plugins` lists them)";
        ErrorKind kind = manifest == null ? ErrorKind.INVALID_INPUT : ErrorKind.MODEL_INCOMPATIBLE;
        ModelListing.Status status = manifest == null ? ModelListing.Status.NO_FAMILY : ModelListing.Status.UNKNOWN_FAMILY;
        return Decision.failed(status, List.of(), new GenloomException(kind, message, hint));
    }

    private Optional<String> recognize(LoadedFamily lf, LocalModelFolder folder, List<String> failures) {
        String familyName = lf.name();
        try {
            Optional<String> reason = lf.family().recognize(folder);
            if (reason == null || reason.isEmpty()) {
                return Optional.empty();
            }
            String r = reason.get();
            return Optional.of(r == null || r.isBlank() ? "recognised" : r.strip());
        } catch (Exception | LinkageError e) {
            String key = lf.pluginId() + "\u0000" + familyName + "\u0000" + folder.path();
            if (warned.add(key)) {
                LOG.warn("Family {} of plugin {} failed while checking {}; it is taken as not recognising it",
                        familyName, lf.pluginId(), folder.path(), e);
            }
            failures.add(familyName + " (plugin " + lf.pluginId() + ") failed: " + e);
            return Optional.empty();
        }
    }

    private static GenloomException noFamily(LocalModelFolder folder, List<LoadedFamily> installed,
                                             List<String> failures) {
        StringBuilder msg = new StringBuilder("no installed plugin recognises ").append(folder.path())
                .append(": it has ").append(describe(folder)).append("; ").append(installedText(installed));
        if (!failures.isEmpty()) {
            msg.append("; ").append(String.join("; ", failures));
        }
        String hint = installed.isEmpty()
                ? "put the plugin for this kind of model into the plugins folder"
                : "install the plugin for this kind of model, or name its family in "
                + folder.path().resolve(LocalModelFolder.MANIFEST) + " ('family: NAME')";
        return new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, msg.toString(), hint);
    }

    /** What a folder looks like, for people: its config's model type and its ONNX files. */
    static String describe(LocalModelFolder folder) {
        List<String> parts = new ArrayList<>();
        try {
            if (folder.has("config.json")) {
                JsonNode config = folder.config();
                String modelType = config.path("model_type").asText("");
                List<String> architectures = new ArrayList<>();
                config.path("architectures").forEach(a -> architectures.add(a.asText()));
                String c = "config.json" + (modelType.isEmpty() ? " without model_type" : " model_type '" + modelType + "'");
                if (!architectures.isEmpty()) {
                    c += ", architectures " + String.join(", ", architectures);
                }
                parts.add(c);
            } else {
                parts.add("no config.json");
            }
            if (folder.has("model_index.json")) {
                String cls = folder.json("model_index.json").map(n -> n.path("_class_name").asText("")).orElse("");
                parts.add("model_index.json" + (cls.isEmpty() ? "" : " _class_name '" + cls + "'"));
            }
        } catch (GenloomException e) {
            parts.add("unreadable configuration (" + e.getMessage() + ")");
        }
        List<String> onnx;
        try {
            onnx = folder.files().stream().filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".onnx")).toList();
        } catch (GenloomException e) {
            onnx = List.of();
        }
        if (onnx.isEmpty()) {
            parts.add("no .onnx files");
        } else {
            String shown = String.join(", ", onnx.subList(0, Math.min(onnx.size(), MAX_LISTED_ONNX)));
            parts.add("ONNX files " + shown
                    + (onnx.size() > MAX_LISTED_ONNX ? " and " + (onnx.size() - MAX_LISTED_ONNX) + " more" : ""));
        }
        return String.join(", ", parts);
    }

    private static String installedText(List<LoadedFamily> installed) {
        if (installed.isEmpty()) {
            return "no plugins are installed";
        }
        return "installed families: " + installed.stream()
                .map(lf -> lf.name() + " (plugin " + lf.pluginId() + ")")
                .collect(Collectors.joining(", "));
    }

    private List<LoadedFamily> installed() {
        List<LoadedFamily> list = families.get();
        return list == null ? List.of() : List.copyOf(list);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
