package dev.genloom.runtime.session;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.runtime.config.Optimization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * ONNX models as ONNX Runtime optimised them, kept in a cache folder so that later loads skip the
 * graph optimisation and let ONNX Runtime map the weights from disk instead of parsing and copying
 * them (the GPT-2 124M-size test-kit model on a CPU: about 0.7 s instead of 2 s). The first load of
 * a model writes its entry (about one model's size on disk) and loads from it; every later load,
 * the first included, runs the same optimised graph.
 *
 * <p>An entry is one folder per source file, ONNX Runtime version and optimisation level, named
 * by a hash of the three: {@value #MODEL} (the graph as optimised up to {@code extended}: the
 * hardware-specific {@code all} passes run at each load), {@value #DATA} (its weights, aligned so
 * that ONNX Runtime maps them) and {@value #STAMP}, which records the source's size, modification
 * time and file identity, those of its external data files (the files beside it whose names start
 * with its name, such as {@code model.onnx_data}), and the sizes of the entry's own files. An
 * entry whose stamp no longer matches is written again; one that ONNX Runtime cannot load is
 * deleted and written again. Where ONNX Runtime cannot load back the graph it optimised (it writes
 * some graphs with control flow, such as merged decoders, with clashing names), the entry holds the
 * graph as it is, only its weights laid out to be mapped; where it cannot load even that, the
 * entry holds a stamp saying so and the source loads as it is. Entries are written into a
 * temporary folder and renamed into place, never overwritten in place: a session of another
 * process may have the old weights mapped. Before an entry is written, those of sources that are
 * gone and those unused for {@value #UNUSED_DAYS} days are removed.
 *
 * <p>Models smaller than a threshold (graph and external data together) load as they are: for
 * them the cache would not pay. Safe to use from several threads and processes.
 */
final class OptimizedModels {
    private static final Logger LOG = LoggerFactory.getLogger(OptimizedModels.class);

    /** The optimised graph in an entry. */
    static final String MODEL = "model.onnx";
    /** The optimised graph's weights in an entry. */
    static final String DATA = "model.onnx.data";
    /** What an entry was made from; written last. */
    static final String STAMP = "genloom-optimized.txt";
    /** Entries not used for this many days are removed when another is written. */
    static final int UNUSED_DAYS = 30;
    /** Below this size a model loads as it is (16 MiB). */
    static final long DEFAULT_MIN_BYTES = 16L << 20;

    private static final String FORMAT = "genloom-optimized 1";
    /** Initializers of at least this many bytes go to {@value #DATA}; ONNX Runtime aligns those of 1 MiB or more. */
    static final String EXTERNAL_MIN_BYTES = "1024";

    /** Opens an ONNX Runtime session on a file. */
    @FunctionalInterface
    interface Loader {
        /**
         * A session on {@code model} at optimisation {@code level}; where {@code optimizedOut} is
         * not null, ONNX Runtime writes the optimised graph there with its weights in {@value #DATA}
         * beside it. {@code quiet}: ONNX Runtime's warnings about the file are not the user's
         * business (it is an entry of this cache).
         */
        OrtSession load(Path model, Optimization level, Path optimizedOut, boolean quiet) throws OrtException;
    }

    /** What the stamp of an entry says about it, compared with the source as it is now. */
    enum State {
        /** No entry, half an entry, or one made from another version of the source: to be written. */
        STALE,
        /** Complete and made from the source as it is. */
        VALID,
        /** ONNX Runtime could not load what it wrote for the source as it is: load the source itself. */
        REFUSED
    }

    private final Path root;
    private final String runtimeVersion;
    private final long minBytes;
    private final ConcurrentHashMap<Path, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param root           the cache folder (created on first write)
     * @param runtimeVersion ONNX Runtime's version: entries of another version are not used
     * @param minBytes       models smaller than this load as they are
     */
    OptimizedModels(Path root, String runtimeVersion, long minBytes) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.runtimeVersion = Objects.requireNonNull(runtimeVersion, "runtimeVersion");
        this.minBytes = minBytes;
    }

    Path root() {
        return root;
    }

    /** The optimisation level an entry is written at: up to {@code extended}, the hardware-neutral passes. */
    static Optimization writtenLevel(Optimization level) {
        return level == Optimization.ALL ? Optimization.EXTENDED : level;
    }

    /**
     * The levels an entry is tried at, in order: {@link #writtenLevel}, then, where ONNX Runtime
     * cannot load back the graph it optimised (it writes some graphs with control flow, such as
     * merged decoders, with clashing names), {@code disable}: the graph as it is, its weights laid
     * out to be mapped.
     */
    static List<Optimization> attempts(Optimization level) {
        Optimization first = writtenLevel(level);
        return first == Optimization.DISABLE ? List.of(first) : List.of(first, Optimization.DISABLE);
    }

    /**
     * A session on {@code source} at {@code level}: from its entry where that is valid, else from
     * an entry written now, else (the cache cannot be written, ONNX Runtime cannot load what it
     * wrote, or the model is too small) from the source itself.
     *
     * @throws OrtException where the source itself cannot be loaded
     */
    OrtSession open(Path source, Optimization level, Loader loader) throws OrtException {
        Path file = source.toAbsolutePath().normalize();
        String stamp;
        try {
            List<Path> files = sourceFiles(file);
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            if (bytes < minBytes) {
                return loader.load(file, level, null, false);
            }
            stamp = stamp(file, files, level);
        } catch (IOException ex) {
            LOG.debug("not caching {}: {}", file, ex.toString());
            return loader.load(file, level, null, false);
        }
        Path entry = entryFor(file, level);
        synchronized (locks.computeIfAbsent(entry, k -> new Object())) {
            State state = state(entry, stamp);
            if (state == State.REFUSED) {
                touch(entry);
                return loader.load(file, level, null, false);
            }
            if (state == State.VALID) {
                try {
                    OrtSession s = loader.load(entry.resolve(MODEL), level, null, true);
                    LOG.debug("{}: loaded the optimised copy in {}", file, entry);
                    touch(entry);
                    return s;
                } catch (OrtException | RuntimeException ex) {
                    LOG.debug("the optimised copy of {} in {} could not be loaded; writing it again", file, entry, ex);
                    discard(entry);
                }
            }
            return write(file, entry, stamp, level, loader);
        }
    }

    private OrtSession write(Path file, Path entry, String stamp, Optimization level, Loader loader)
            throws OrtException {
        long start = System.nanoTime();
        String refusal = null;
        for (Optimization written : attempts(level)) {
            try {
                write(entry, stamp, written, out -> {
                    try (OrtSession s = loader.load(file, written, out, false)) {
                        LOG.debug("{}: optimised into {} ({} inputs)", file, out, s.getNumInputs());
                    }
                });
            } catch (IOException | OrtException | RuntimeException ex) {
                OrtSession plain = loader.load(file, level, null, false); // the source's own error, if it has one
                LOG.warn("Could not keep an optimised copy of {} in {} ({}); loading it as it is each time", file,
                        root, ex.getMessage());
                return plain;
            }
            try {
                OrtSession s = loader.load(entry.resolve(MODEL), level, null, true);
                LOG.info("Optimised {} into {} ({} ms{}; later loads start from there)", file, entry,
                        (System.nanoTime() - start) / 1_000_000,
                        written == Optimization.DISABLE && level != Optimization.DISABLE ? ", weights only" : "");
                return s;
            } catch (OrtException | RuntimeException ex) {
                refusal = firstLine(ex.getMessage());
                LOG.debug("ONNX Runtime could not load the copy of {} it optimised at {} in {}", file, written, entry,
                        ex);
                discard(entry);
            }
        }
        refuse(entry, stamp, refusal);
        LOG.info("ONNX Runtime could not load back an optimised copy of {}; it loads as it is", file);
        return loader.load(file, level, null, false);
    }

    /** The entry folder of a source at a level (whether or not it exists). */
    Path entryFor(Path source, Optimization level) {
        Path file = source.toAbsolutePath().normalize();
        String key = file + "\n" + runtimeVersion + "\n" + level.id();
        String stem = file.getFileName().toString().replaceAll("\\.onnx$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        return root.resolve(stem + "-" + sha256(key).substring(0, 16));
    }

    /**
     * The model file and its external data files: the regular files beside it whose names start
     * with its name ({@code model.onnx_data}, {@code model.onnx.data}, ...), sorted.
     */
    static List<Path> sourceFiles(Path file) throws IOException {
        String name = file.getFileName().toString();
        List<Path> out = new ArrayList<>();
        out.add(file);
        try (Stream<Path> list = Files.list(file.getParent())) {
            list.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(name) && !n.equals(name) && Files.isRegularFile(p);
            }).sorted().forEach(out::add);
        }
        return out;
    }

    /** What an entry made now from these files would record (without the entry's own sizes). */
    private String stamp(Path file, List<Path> files, Optimization level) throws IOException {
        StringBuilder sb = new StringBuilder(FORMAT).append('\n')
                .append("source\t").append(file).append('\n')
                .append("onnxruntime\t").append(runtimeVersion).append('\n')
                .append("optimization\t").append(level.id()).append('\n');
        for (Path f : files) {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            sb.append("file\t").append(f.getFileName()).append('\t').append(a.size()).append('\t')
                    .append(a.lastModifiedTime()).append('\t').append(a.fileKey()).append('\n');
        }
        return sb.toString();
    }

    /** What the entry's stamp says, compared with the source's stamp now. */
    static State state(Path entry, String stamp) {
        try {
            String written = Files.readString(entry.resolve(STAMP), StandardCharsets.UTF_8);
            if (!written.startsWith(stamp)) {
                return State.STALE;
            }
            boolean level = false;
            for (String line : written.substring(stamp.length()).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                switch (parts[0]) {
                    case "refused" -> {
                        return State.REFUSED;
                    }
                    case "written" -> level = parts.length == 2 && Optimization.parse(parts[1]).isPresent();
                    case "entry" -> {
                        Path f = entry.resolve(parts[1]);
                        if (parts.length != 3 || !Files.isRegularFile(f) || Files.size(f) != Long.parseLong(parts[2])) {
                            return State.STALE;
                        }
                    }
                    default -> {
                        return State.STALE;
                    }
                }
            }
            return level && Files.isRegularFile(entry.resolve(MODEL)) ? State.VALID : State.STALE;
        } catch (NoSuchFileException ex) {
            return State.STALE;
        } catch (IOException | RuntimeException ex) {
            LOG.debug("unreadable stamp in {}: {}", entry, ex.toString());
            return State.STALE;
        }
    }

    /** Writes an entry: into a temporary folder, stamped last, then renamed into place. */
    private void write(Path entry, String stamp, Optimization level, Writer writer) throws IOException, OrtException {
        Files.createDirectories(root);
        sweep();
        Path tmp = Files.createTempDirectory(root, "." + entry.getFileName() + "-");
        try {
            writer.write(tmp.resolve(MODEL));
            StringBuilder sb = new StringBuilder(stamp).append("written\t").append(level.id()).append('\n');
            try (Stream<Path> list = Files.list(tmp)) {
                for (Path f : list.sorted().toList()) {
                    sb.append("entry\t").append(f.getFileName()).append('\t').append(Files.size(f)).append('\n');
                }
            }
            Files.writeString(tmp.resolve(STAMP), sb.toString(), StandardCharsets.UTF_8);
            place(tmp, entry, stamp);
        } finally {
            if (Files.exists(tmp)) {
                NativeLibraries.deleteTree(tmp);
            }
        }
    }

    /**
     * Writes an entry that holds only its stamp, saying that ONNX Runtime could not load back what
     * it optimised, so that later loads do not try again until the source or ONNX Runtime changes.
     */
    private void refuse(Path entry, String stamp, String reason) {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(root, "." + entry.getFileName() + "-");
            String why = reason == null ? "" : reason.replaceAll("[\t\n]", " ");
            Files.writeString(tmp.resolve(STAMP), stamp + "refused\t" + why + "\n", StandardCharsets.UTF_8);
            place(tmp, entry, stamp);
        } catch (IOException ex) {
            LOG.debug("could not mark {} as refused: {}", entry, ex.toString());
        } finally {
            if (tmp != null && Files.exists(tmp)) {
                NativeLibraries.deleteTree(tmp);
            }
        }
    }

    /**
     * Renames a written folder into place, replacing a stale entry; an entry another process
     * wrote meanwhile for the same source is kept (it may be loading it) and this one dropped.
     */
    private void place(Path tmp, Path entry, String stamp) throws IOException {
        if (Files.exists(entry)) {
            if (state(entry, stamp) != State.STALE) {
                return;
            }
            discard(entry);
        }
        try {
            Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
            if (state(entry, stamp) == State.STALE) {
                throw ex;
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Removes an entry: renamed aside first, so that no reader finds half of it. */
    void discard(Path entry) {
        Path aside = root.resolve("." + entry.getFileName() + "-stale-" + System.nanoTime());
        try {
            Files.move(entry, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException ex) {
            return;
        } catch (IOException ex) {
            LOG.debug("could not move aside {}: {}", entry, ex.toString());
            aside = entry;
        }
        NativeLibraries.deleteTree(aside);
    }

    /**
     * Clears what the cache no longer needs, before it grows by an entry: the entries of sources
     * that are gone, those not used for {@value #UNUSED_DAYS} days (of a model no longer run, or of
     * another ONNX Runtime version), and what writes that died half-way left behind (temporary
     * folders over a day old).
     */
    void sweep() {
        long now = System.currentTimeMillis();
        FileTime dayAgo = FileTime.fromMillis(now - TimeUnit.DAYS.toMillis(1));
        FileTime unused = FileTime.fromMillis(now - TimeUnit.DAYS.toMillis(UNUSED_DAYS));
        try (Stream<Path> list = Files.list(root)) {
            for (Path p : list.filter(Files::isDirectory).toList()) {
                FileTime used = Files.getLastModifiedTime(p);
                if (p.getFileName().toString().startsWith(".")) {
                    if (used.compareTo(dayAgo) < 0) {
                        NativeLibraries.deleteTree(p);
                    }
                } else if (used.compareTo(unused) < 0 || sourceGone(p)) {
                    LOG.debug("removing {}: its source is gone or it was not used for {} days", p, UNUSED_DAYS);
                    discard(p);
                }
            }
        } catch (IOException ex) {
            LOG.debug("could not sweep {}: {}", root, ex.toString());
        }
    }

    /** Whether an entry's stamp names a source that no longer exists. */
    private static boolean sourceGone(Path entry) {
        try {
            for (String line : Files.readAllLines(entry.resolve(STAMP), StandardCharsets.UTF_8)) {
                if (line.startsWith("source\t")) {
                    return !Files.isRegularFile(Path.of(line.substring("source\t".length())));
                }
            }
            return true;
        } catch (NoSuchFileException ex) {
            return true; // not an entry: entries are renamed into place with their stamp
        } catch (IOException | RuntimeException ex) {
            return false;
        }
    }

    /** Marks an entry used now, so that {@link #sweep()} keeps it. */
    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ex) {
            LOG.debug("could not mark {} as used: {}", entry, ex.toString());
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(Path model) throws IOException, OrtException;
    }

    private static String sha256(String s) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from this Java", ex);
        }
    }
}
