package dev.genloom.zoo.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.Dtype;
import dev.genloom.zoo.catalog.Catalog;
import dev.genloom.zoo.catalog.CatalogEntry;
import dev.genloom.zoo.catalog.CatalogFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.net.URI;
import java.time.Instant;

/**
 * Downloads models into the cache, as {@code <cache>/<org>/<repo>}, where the model store finds
 * them by their repository id.
 *
 * <p>How a fetch goes:
 * <ol>
 *   <li>The model is a catalog name or repository id (its files and checksums then come from the
 *       catalog), or another repository id (its files then come from the source's listing, the
 *       chosen dtype's ONNX files and every file that is not a weight file of another framework).
 *   <li>What to fetch is planned: from the catalog, or from the source's listing of the
 *       repository, so that a repository that does not exist is refused before anything is
 *       written into the cache.
 *   <li>An exclusive lock on {@code <cache>/.locks/<org>--<repo>.lock} is taken (within the JVM,
 *       and with {@link java.nio.channels.FileChannel#lock()} across processes): a second fetch of
 *       the same model waits, then finds it complete and downloads nothing.
 *   <li>Files missing from the model folder are downloaded into a staging folder next to it,
 *       {@code <cache>/<org>/.<repo>.fetching/}, each as {@code <file>.part}, resumed with an HTTP
 *       Range request where an earlier attempt (or an earlier run) stopped.
 *   <li>Each file is checked against its SHA-256 where one is known (the catalog's, else the LFS
 *       checksum the hub sends as {@code X-Linked-ETag}/{@code ETag}). A mismatch is refused: the
 *       staging folder is deleted and nothing is left of the download.
 *   <li>When every file is there, the files already in the model folder are linked into the staging
 *       folder, a record {@code .genloom-fetch.json} is written, and the staging folder replaces
 *       the model folder by renaming, so a model folder is never seen half-written.
 * </ol>
 * Only {@code fetch} touches the network; building a fetcher does not.
 */
public final class Fetcher {
    /** The record of what was fetched, in each model folder. */
    public static final String RECORD = ".genloom-fetch.json";
    public static final String DEFAULT_HUB = "https://huggingface.co";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_ATTEMPTS = 4;

    private static final Pattern REPOSITORY = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SEGMENT = Pattern.compile("[^/\\\\:*?\"<>|\\x00-\\x1f]+");
    /** Weights of other frameworks, never needed to run the ONNX export. */
    private static final List<String> FOREIGN_WEIGHTS = List.of(".safetensors", ".bin", ".pt", ".pth", ".ckpt",
            ".h5", ".msgpack", ".ot", ".gguf", ".tflite", ".npz", ".mlmodel");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path cache;
    private final String hub;
    private final FileSource source;
    private final Catalog catalog;
    private final String preferredDtype;
    private final FetchListener listener;

    private Fetcher(Builder b) {
        this.cache = b.cache.toAbsolutePath().normalize();
        this.hub = b.hub;
        this.catalog = b.catalog != null ? b.catalog : Catalog.load();
        this.preferredDtype = b.preferredDtype;
        this.listener = b.listener;
        if (hub.startsWith("http://") || hub.startsWith("https://")) {
            this.source = new HubSource(hub, b.token, b.connectTimeout, b.readTimeout, b.attempts);
        } else {
            this.source = new MirrorSource(Path.of(hub));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The cache folder models are fetched into. */
    public Path cache() {
        return cache;
    }

    /** The hub URL or mirror folder files come from. */
    public String hub() {
        return hub;
    }

    /** The catalog consulted for names, files and checksums. */
    public Catalog catalog() {
        return catalog;
    }

    /** The folder a repository is (or would be) fetched into: {@code <cache>/<org>/<repo>}. */
    public Path folder(String repository) {
        Path p = cache.resolve(repository).normalize();
        if (!p.startsWith(cache) || p.equals(cache)) {
            throw GenloomException.invalidInput("repository '" + repository + "' leads outside the cache " + cache);
        }
        return p;
    }

    /** Fetches a catalog name or repository id at its default dtype and revision. */
    public FetchResult fetch(String model) {
        return fetch(FetchRequest.of(model));
    }

    public FetchResult fetch(FetchRequest request) {
        return fetch(request, listener);
    }

    /**
     * Fetches a model into the cache and returns its folder; does nothing (and touches no network)
     * but read the folder where every file is there already.
     *
     * @throws GenloomException {@code MODEL_NOT_FOUND} for a name that is neither in the catalog nor
     *                          a repository id; {@code INVALID_INPUT} for a dtype the model lacks;
     *                          {@code DOWNLOAD_FAILED} where the source fails, a file is missing
     *                          there, access is refused or a checksum does not match; {@code IO}
     *                          where the cache cannot be written
     */
    public FetchResult fetch(FetchRequest request, FetchListener listener) {
        Objects.requireNonNull(request, "request");
        FetchListener l = listener == null ? FetchListener.NONE : listener;
        long t0 = System.nanoTime();
        Optional<CatalogEntry> entry = catalog.find(request.model());
        String repository = entry.map(CatalogEntry::repository).orElse(request.model().replace("--", "/"));
        if (entry.isEmpty() && !REPOSITORY.matcher(repository).matches()) {
            throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, "unknown model '" + request.model()
                    + "': it is not in the catalog and not a hub repository id (org/name)"
                    + catalog.didYouMean(request.model()),
                    "`genloom models --catalog` lists the known models");
        }
        Path target = folder(repository);
        String leaf = target.getFileName().toString();
        Path staging = target.resolveSibling("." + leaf + ".fetching");
        Path lockFile = cache.resolve(".locks").resolve(repository.replace("/", "--") + ".lock");

        // The plan first, the lock then: a repository the hub does not have (a typo) fails on its
        // listing before a lock file is made, so it leaves nothing in the cache (FetchLock says
        // why lock files are never deleted).
        Plan plan = entry.isPresent() ? plan(entry.get(), request) : plan(repository, request, target);
        try (FetchLock lock = FetchLock.acquire(lockFile, repository, l)) {
            List<FetchedFile> files = new ArrayList<>();
            List<RemoteFile> missing = new ArrayList<>();
            Map<String, String> recorded = recordedChecksums(target);
            for (RemoteFile f : plan.files()) {
                Path p = inside(target, f.path());
                long size = sizeOf(p);
                if (size >= 0 && (f.size() < 0 || size == f.size())) {
                    String sha = f.sha256() != null ? f.sha256() : recorded.get(f.path());
                    files.add(new FetchedFile(f.path(), size, sha, false));
                } else {
                    missing.add(f);
                }
            }
            long downloaded = 0;
            if (!missing.isEmpty()) {
                prepareStaging(staging, plan.revision());
                l.downloading(plan.repository(), missing.size(),
                        missing.stream().anyMatch(f -> f.size() < 0) ? -1
                                : missing.stream().mapToLong(RemoteFile::size).sum());
                try {
                    for (RemoteFile f : missing) {
                        Downloaded d = download(plan, f, staging, l);
                        files.add(d.file());
                        downloaded += d.transferred();
                    }
                } catch (ChecksumMismatch e) {
                    deleteTree(staging);
                    throw e;
                } catch (HubSource.NotFound e) {
                    throw notFound(e, plan, entry);
                }
                linkExisting(target, staging);
                writeRecord(staging, target, plan, files);
                Files.deleteIfExists(staging.resolve(".revision"));
                install(staging, target);
            }
            files.sort(Comparator.comparing(FetchedFile::path));
            return new FetchResult(plan.name(), plan.repository(), plan.revision(), plan.dtype(), target, files,
                    downloaded, Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot write the model " + repository + " into the cache "
                    + cache + ": " + e.getMessage(), "check that the cache folder is writable and has room", e);
        }
    }

    // ---- what to fetch --------------------------------------------------------------------------

    private record Plan(String name, String repository, String revision, String dtype, List<RemoteFile> files,
                        boolean catalogued) {
    }

    private Plan plan(CatalogEntry e, FetchRequest request) {
        String dtype = request.dtype();
        if (dtype == null) {
            dtype = preferredDtype != null && e.dtypes().containsKey(preferredDtype) ? preferredDtype
                    : e.defaultDtype();
        }
        List<RemoteFile> files = new ArrayList<>();
        for (CatalogFile f : e.files(dtype)) {
            files.add(new RemoteFile(f.path(), f.size().orElse(-1), f.sha256().orElse(null)));
        }
        String revision = request.revision() != null ? request.revision() : e.revision();
        return new Plan(e.name(), e.repository(), checkRevision(revision), dtype, files, true);
    }

    private Plan plan(String repository, FetchRequest request, Path target) {
        String revision = checkRevision(request.revision() != null ? request.revision() : "main");
        List<RemoteFile> all;
        try {
            all = source.list(repository, revision);
        } catch (HubSource.NotFound e) {
            throw new GenloomException(ErrorKind.DOWNLOAD_FAILED, e.getMessage() + catalog.didYouMean(repository),
                    "check the repository id and revision; `genloom models --catalog` lists the known models");
        }
        for (RemoteFile f : all) {
            inside(target, f.path()); // a listing must not lead outside the model folder
        }
        Selection s = select(all, request.dtype(), preferredDtype);
        return new Plan(repository, repository, revision, s.dtype(), s.files(), false);
    }

    private static String checkRevision(String revision) {
        if (!revision.matches("[A-Za-z0-9._/-]+") || revision.contains("..")) {
            throw GenloomException.invalidInput("'" + revision + "' is not a branch, tag or commit");
        }
        return revision;
    }

    record Selection(String dtype, List<RemoteFile> files) {
    }

    /**
     * The files of a listed repository to fetch: for ONNX files (and their external data) those of
     * one dtype variant; every other file but the weights of other frameworks.
     */
    static Selection select(List<RemoteFile> all, String wanted, String preferred) {
        Set<String> present = new LinkedHashSet<>();
        for (RemoteFile f : all) {
            dtypeOfFile(f.path()).ifPresent(present::add);
        }
        String dtype = null;
        if (!present.isEmpty()) {
            if (wanted != null) {
                if (!present.contains(wanted)) {
                    throw GenloomException.invalidInput("the repository has no ONNX files of dtype '" + wanted
                            + "'; it has: " + String.join(", ", sorted(present)));
                }
                dtype = wanted;
            } else if (preferred != null && present.contains(preferred)) {
                dtype = preferred;
            } else {
                dtype = present.contains(Dtype.FP32.id()) ? Dtype.FP32.id() : sorted(present).get(0);
            }
        }
        List<RemoteFile> out = new ArrayList<>();
        for (RemoteFile f : all) {
            String name = f.path().substring(f.path().lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            Optional<String> d = dtypeOfFile(f.path());
            if (d.isPresent()) {
                if (d.get().equals(dtype)) {
                    out.add(f);
                }
            } else if (!name.equals(".gitattributes") && FOREIGN_WEIGHTS.stream().noneMatch(name::endsWith)) {
                out.add(f);
            }
        }
        return new Selection(dtype, out);
    }

    private static List<String> sorted(Set<String> dtypes) {
        List<String> order = Dtype.ids();
        return dtypes.stream().sorted(Comparator.comparingInt(d -> order.indexOf(d) < 0 ? 99 : order.indexOf(d)))
                .toList();
    }

    /** The dtype of an ONNX file or its external data ({@code model_fp16.onnx_data}), else empty. */
    static Optional<String> dtypeOfFile(String path) {
        return Dtype.ofFile(path).map(Dtype::id);
    }

    // ---- downloading ----------------------------------------------------------------------------

    private record Downloaded(FetchedFile file, long transferred) {
    }

    /** A checksum or size that does not match: the download is refused. */
    static final class ChecksumMismatch extends GenloomException {
        private static final long serialVersionUID = 1L;

        ChecksumMismatch(String message) {
            super(ErrorKind.DOWNLOAD_FAILED, message,
                    "the file was changed on the server or corrupted in transit; nothing was kept, try again, or "
                            + "fix the checksum in the catalog if the model was updated on purpose");
        }
    }

    private Downloaded download(Plan plan, RemoteFile f, Path staging, FetchListener l) throws IOException {
        Path dest = inside(staging, f.path());
        long had = sizeOf(dest);
        if (had >= 0 && (f.size() < 0 || had == f.size())) {
            // complete and verified by an earlier run that stopped before the folder was installed
            l.fileFinished(f.path(), had);
            return new Downloaded(new FetchedFile(f.path(), had, f.sha256(), true), 0);
        }
        Files.createDirectories(dest.getParent());
        Path part = dest.resolveSibling(dest.getFileName() + ".part");
        long before = Math.max(0, sizeOf(part));
        for (int round = 0; ; round++) {
            String serverSha = source.download(plan.repository(), plan.revision(), f, part, l);
            long size = Files.size(part);
            String expected = f.sha256() != null ? f.sha256() : serverSha;
            String from = f.sha256() == null ? "the server (LFS ETag)"
                    : plan.catalogued() ? "the catalog" : "the hub's file listing";
            String problem = null;
            if (f.size() >= 0 && size != f.size()) {
                problem = "size mismatch for " + plan.repository() + "/" + f.path() + ": expected " + f.size()
                        + " bytes (the catalog), got " + size;
            } else if (expected != null) {
                String actual = sha256(part);
                if (!expected.equals(actual)) {
                    problem = "checksum mismatch for " + plan.repository() + "/" + f.path() + " (revision "
                            + plan.revision() + "): expected SHA-256 " + expected + " (" + from + "), got " + actual;
                }
            }
            if (problem != null) {
                Files.deleteIfExists(part);
                if (before > 0 && round == 0) {
                    l.retrying(f.path(), problem + "; the resumed part is discarded and downloaded again");
                    before = 0;
                    continue;
                }
                throw new ChecksumMismatch(problem);
            }
            move(part, dest);
            l.fileFinished(f.path(), size);
            return new Downloaded(new FetchedFile(f.path(), size, expected, true), size - before);
        }
    }

    private GenloomException notFound(HubSource.NotFound e, Plan plan, Optional<CatalogEntry> entry) {
        String hint;
        if (entry.isPresent()) {
            hint = "the catalog entry '" + entry.get().name() + "' may be out of date with the repository: try "
                    + "another --dtype (" + String.join(", ", entry.get().dtypeNames()) + ") or --revision, or "
                    + "fetch the repository id to take the files it lists";
        } else {
            hint = "check the path and revision; `genloom models --catalog` lists the known models";
        }
        return new GenloomException(ErrorKind.DOWNLOAD_FAILED, e.getMessage(), hint, e);
    }

    // ---- the cache ------------------------------------------------------------------------------

    /** A path inside a folder, refusing {@code ..}, absolute paths and odd characters. */
    private static Path inside(Path folder, String relative) {
        boolean ok = !relative.isEmpty() && !relative.startsWith("/");
        if (ok) {
            for (String part : relative.split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..") || !SEGMENT.matcher(part).matches()) {
                    ok = false;
                    break;
                }
            }
        }
        Path p = folder.resolve(relative).normalize();
        if (!ok || !p.startsWith(folder)) {
            throw new GenloomException(ErrorKind.DOWNLOAD_FAILED, "refusing the file path '" + relative
                    + "': it is not a plain relative path inside the model folder");
        }
        return p;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static void prepareStaging(Path staging, String revision) throws IOException {
        Path mark = staging.resolve(".revision");
        if (Files.isDirectory(staging)) {
            String was = Files.isRegularFile(mark) ? Files.readString(mark).strip() : "";
            if (!was.equals(revision)) {
                deleteTree(staging); // parts of another revision cannot be resumed
            }
        }
        Files.createDirectories(staging);
        Files.writeString(mark, revision);
    }

    /** Links (or copies) the files already in the model folder into the staging folder. */
    private static void linkExisting(Path target, Path staging) throws IOException {
        if (!Files.isDirectory(target)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(target)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(p) || p.getFileName().toString().equals(RECORD)) {
                    continue;
                }
                Path to = staging.resolve(target.relativize(p).toString());
                if (Files.exists(to)) {
                    continue;
                }
                Files.createDirectories(to.getParent());
                try {
                    Files.createLink(to, p);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(p, to);
                }
            }
        }
    }

    private static Map<String, String> recordedChecksums(Path target) {
        Map<String, String> out = new LinkedHashMap<>();
        Path record = target.resolve(RECORD);
        if (Files.isRegularFile(record)) {
            try {
                for (JsonNode f : JSON.readTree(record.toFile()).path("files")) {
                    if (f.hasNonNull("sha256")) {
                        out.put(f.path("path").asText(), f.path("sha256").asText());
                    }
                }
            } catch (IOException e) {
                // an unreadable record only loses the checksums it held
            }
        }
        return out;
    }

    private static void writeRecord(Path staging, Path target, Plan plan, List<FetchedFile> files) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("repository", plan.repository());
        root.put("revision", plan.revision());
        Set<String> dtypes = new LinkedHashSet<>();
        Map<String, JsonNode> byPath = new LinkedHashMap<>();
        Path old = target.resolve(RECORD);
        if (Files.isRegularFile(old)) {
            try {
                JsonNode r = JSON.readTree(old.toFile());
                r.path("dtypes").forEach(d -> dtypes.add(d.asText()));
                r.path("files").forEach(f -> byPath.put(f.path("path").asText(), f));
            } catch (IOException e) {
                // start a new record
            }
        }
        if (plan.dtype() != null) {
            dtypes.add(plan.dtype());
        }
        for (FetchedFile f : files) {
            ObjectNode n = JSON.createObjectNode().put("path", f.path()).put("size", f.size());
            n.put("sha256", f.sha256());
            byPath.put(f.path(), n);
        }
        ArrayNode d = root.putArray("dtypes");
        dtypes.forEach(d::add);
        root.put("fetched", Instant.now().toString());
        ArrayNode arr = root.putArray("files");
        byPath.keySet().stream().sorted().forEach(k -> arr.add(byPath.get(k)));
        Path tmp = staging.resolve(RECORD + ".tmp");
        Files.writeString(tmp, root.toPrettyString());
        move(tmp, staging.resolve(RECORD));
    }

    /** Puts the staging folder in the model folder's place, by renaming. */
    private static void install(Path staging, Path target) throws IOException {
        if (!Files.exists(target)) {
            move(staging, target);
            return;
        }
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
        move(target, old);
        move(staging, target);
        deleteTree(old);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot delete " + dir + ": " + e.getMessage(), null, e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Builds a fetcher. Only {@link #cache(Path)} is required. */
    public static final class Builder {
        private Path cache;
        private String hub = DEFAULT_HUB;
        private Catalog catalog;
        private String token;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private int attempts = DEFAULT_ATTEMPTS;
        private String preferredDtype;
        private FetchListener listener = FetchListener.NONE;

        private Builder() {
        }

        /** The cache folder (required). */
        public Builder cache(Path dir) {
            this.cache = Objects.requireNonNull(dir, "cache");
            return this;
        }

        /**
         * Where files come from: an http(s) base URL serving {@code {base}/{repo}/resolve/{revision}/{path}}
         * (default {@value DEFAULT_HUB}), or a folder laid out as {@code {dir}/{repo}/{path}}.
         */
        public Builder hub(String urlOrFolder) {
            GenloomException.require(urlOrFolder != null && !urlOrFolder.isBlank(), "no hub given");
            String h = urlOrFolder.strip();
            if (h.startsWith("http://") || h.startsWith("https://")) {
                try {
                    GenloomException.require(URI.create(h).getHost() != null, "hub URL '" + h
                            + "' has no host");
                } catch (IllegalArgumentException e) {
                    throw GenloomException.invalidInput("hub URL '" + h + "' is not a URL: " + e.getMessage());
                }
                this.hub = h.endsWith("/") ? h.substring(0, h.length() - 1) : h;
            } else {
                GenloomException.require(!h.contains("://"), "hub '" + h + "' is neither an http(s) URL nor a folder");
                Path p = Path.of(h).toAbsolutePath().normalize();
                if (!Files.isDirectory(p)) {
                    throw GenloomException.invalidInput("the mirror folder " + p + " does not exist",
                            "give a folder laid out as <dir>/<org>/<repo>/<files>, or an http(s) URL");
                }
                this.hub = p.toString();
            }
            return this;
        }

        /** The catalog (default: the bundled one). */
        public Builder catalog(Catalog c) {
            this.catalog = c;
            return this;
        }

        /** An access token sent as {@code Authorization: Bearer} to the hub's host only (e.g. HF_TOKEN). */
        public Builder token(String t) {
            this.token = t;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            GenloomException.require(d != null && !d.isNegative() && !d.isZero(), "the connect timeout must be positive");
            this.connectTimeout = d;
            return this;
        }

        /** The longest a connection may stay silent (before the answer, or within a body). */
        public Builder readTimeout(Duration d) {
            GenloomException.require(d != null && !d.isNegative() && !d.isZero(), "the read timeout must be positive");
            this.readTimeout = d;
            return this;
        }

        /** Attempts per file, resuming after a broken transfer (default {@value DEFAULT_ATTEMPTS}). */
        public Builder attempts(int n) {
            GenloomException.require(n >= 1, "attempts must be at least 1");
            this.attempts = n;
            return this;
        }

        /** The dtype taken where the request names none and the model has it (e.g. the config's). */
        public Builder preferredDtype(String dtype) {
            this.preferredDtype = dtype;
            return this;
        }

        /** Hears progress of fetches that name no listener of their own. */
        public Builder listener(FetchListener l) {
            this.listener = l == null ? FetchListener.NONE : l;
            return this;
        }

        public Fetcher build() {
            GenloomException.require(cache != null, "the fetcher needs a cache folder");
            return new Fetcher(this);
        }
    }
}
