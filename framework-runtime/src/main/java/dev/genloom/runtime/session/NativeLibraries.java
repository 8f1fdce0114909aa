package dev.genloom.runtime.session;

import ai.onnxruntime.OrtEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Unpacks ONNX Runtime's native libraries once into the cache, so that later starts load them
 * from there instead of unpacking them into a new temporary folder each time (which takes
 * seconds with the GPU build).
 *
 * <p>ONNX Runtime reads the system property {@value #NATIVE_PATH_PROPERTY} when its classes
 * initialise, so {@link #prepare(Path)} must run before the first use of any ONNX Runtime class
 * that touches native code ({@link OrtEnvironment#getEnvironment()}, tensors, ...). Where the
 * property is already set, nothing is done.
 */
public final class NativeLibraries {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraries.class);

    /** ONNX Runtime's system property: a folder holding all its native libraries. */
    public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";

    private static final String RESOURCE_ROOT = "ai/onnxruntime/native/";
    private static final String MAVEN_ROOT = "META-INF/maven/com.microsoft.onnxruntime/";
    /** Written last into an unpacked folder: the file names, sizes and CRCs it must hold. */
    static final String MARKER = ".genloom-complete";

    private NativeLibraries() {
    }

    /**
     * Makes ONNX Runtime load its native libraries from {@code <cacheDir>/native/onnxruntime-<version>-<artifact>/},
     * unpacking them there first if they are not there complete. Returns the folder ONNX Runtime
     * will load from, or empty where it will unpack them itself (no libraries in its jar for this
     * platform, or the cache is not writable; a warning says why).
     */
    public static synchronized Optional<Path> prepare(Path cacheDir) {
        String preset = System.getProperty(NATIVE_PATH_PROPERTY);
        if (preset != null && !preset.isBlank()) {
            LOG.debug("{} is already set to {}", NATIVE_PATH_PROPERTY, preset);
            return Optional.of(Paths.get(preset));
        }
        Optional<Path> dir = unpack(cacheDir);
        dir.ifPresent(d -> {
            System.setProperty(NATIVE_PATH_PROPERTY, d.toString());
            LOG.debug("ONNX Runtime native libraries: {}", d);
        });
        return dir;
    }

    /**
     * Unpacks the native libraries of ONNX Runtime's jar for this platform into
     * {@code <cacheDir>/native/onnxruntime-<version>-<artifact>-<os>-<arch>/} unless they are there
     * complete already, without telling ONNX Runtime; empty where there is nothing to unpack or
     * unpacking failed (a warning says why).
     */
    static synchronized Optional<Path> unpack(Path cacheDir) {
        String osArch = osArch();
        ClassLoader loader = OrtEnvironment.class.getClassLoader(); // loads, does not initialise
        String prefix = RESOURCE_ROOT + osArch + "/";
        URL main = loader.getResource(prefix + System.mapLibraryName("onnxruntime"));
        if (main == null) {
            LOG.debug("no ONNX Runtime native libraries for {} in its jar", osArch);
            return Optional.empty();
        }
        Path root = cacheDir.toAbsolutePath().normalize().resolve("native");
        try (Source source = Source.open(main, prefix)) {
            String name = "onnxruntime-" + version() + "-" + source.artifact() + "-" + osArch;
            Path target = root.resolve(name);
            String manifest = source.manifest();
            if (!isComplete(target, manifest)) {
                unpack(source, root, target, manifest);
            }
            return Optional.of(target);
        } catch (IOException | UncheckedIOException | SecurityException ex) {
            LOG.warn("Could not unpack ONNX Runtime's native libraries into {} ({}); ONNX Runtime will unpack "
                    + "them into a temporary folder at each start instead", root, ex.toString());
            return Optional.empty();
        }
    }

    /** The folder ONNX Runtime is told to load from, if any. */
    public static Optional<Path> configuredPath() {
        String p = System.getProperty(NATIVE_PATH_PROPERTY);
        return p == null || p.isBlank() ? Optional.empty() : Optional.of(Paths.get(p));
    }

    private static String version() {
        Package p = OrtEnvironment.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null || v.isBlank() ? "unknown" : v.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The platform folder name ONNX Runtime uses in its jar ({@code linux-x64}, {@code osx-aarch64}, ...). */
    static String osArch() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o;
        if (os.contains("mac") || os.contains("darwin")) {
            o = "osx";
        } else if (os.contains("win")) {
            o = "win";
        } else {
            o = "linux";
        }
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return o + "-" + a;
    }

    static boolean isComplete(Path dir, String manifest) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        String written = Files.readString(marker, StandardCharsets.UTF_8);
        if (!written.equals(manifest)) {
            return false;
        }
        for (String line : manifest.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t");
            Path f = dir.resolve(parts[0]);
            if (!Files.isRegularFile(f) || Files.size(f) != Long.parseLong(parts[1])) {
                return false;
            }
        }
        return true;
    }

    private static void unpack(Source source, Path root, Path target, String manifest) throws IOException {
        Files.createDirectories(root);
        long start = System.nanoTime();
        Path tmp = Files.createTempDirectory(root, "." + target.getFileName() + "-");
        try {
            source.copyTo(tmp);
            Files.writeString(tmp.resolve(MARKER), manifest, StandardCharsets.UTF_8);
            if (Files.exists(target)) {
                // Left incomplete or stale by an earlier run: move it aside, then delete it.
                Path stale = root.resolve("." + target.getFileName() + "-stale-" + System.nanoTime());
                try {
                    Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(stale);
                } catch (IOException ex) {
                    LOG.debug("could not move aside {}: {}", target, ex.toString());
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
                // Another process unpacked the same libraries at the same time; use theirs.
                if (!isComplete(target, manifest)) {
                    throw ex;
                }
            }
            LOG.info("Unpacked ONNX Runtime's native libraries into {} ({} ms; later starts reuse them)", target,
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ex) {
                    LOG.debug("could not delete {}: {}", p, ex.toString());
                }
            });
        } catch (IOException ex) {
            LOG.debug("could not delete {}: {}", dir, ex.toString());
        }
    }

    /** The native files of one platform, in ONNX Runtime's jar or in a class-path folder. */
    private interface Source extends AutoCloseable {
        /** The ONNX Runtime artifact: {@code onnxruntime} or {@code onnxruntime_gpu}. */
        String artifact();

        /** One line per file: name, size and CRC (or modification time), tab-separated. */
        String manifest() throws IOException;

        void copyTo(Path dir) throws IOException;

        @Override
        void close() throws IOException;

        static Source open(URL main, String prefix) throws IOException {
            if ("jar".equals(main.getProtocol())) {
                URLConnection c = main.openConnection();
                if (c instanceof JarURLConnection jc) {
                    jc.setUseCaches(false);
                    return new JarSource(jc.getJarFile(), prefix);
                }
            }
            if ("file".equals(main.getProtocol())) {
                try {
                    return new FolderSource(Paths.get(main.toURI()).getParent());
                } catch (URISyntaxException ex) {
                    throw new IOException("unexpected location of ONNX Runtime's libraries: " + main, ex);
                }
            }
            throw new IOException("unexpected location of ONNX Runtime's libraries: " + main);
        }
    }

    private static final class JarSource implements Source {
        private final JarFile jar;
        private final List<JarEntry> entries = new ArrayList<>();
        private final String artifact;

        JarSource(JarFile jar, String prefix) {
            this.jar = jar;
            String found = null;
            Enumeration<JarEntry> all = jar.entries();
            while (all.hasMoreElements()) {
                JarEntry e = all.nextElement();
                String n = e.getName();
                if (!e.isDirectory() && n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0) {
                    entries.add(e); // skips sub-folders such as macOS debug symbols (*.dSYM)
                } else if (n.startsWith(MAVEN_ROOT) && found == null) {
                    String rest = n.substring(MAVEN_ROOT.length());
                    int slash = rest.indexOf('/');
                    if (slash > 0) {
                        found = rest.substring(0, slash);
                    }
                }
            }
            entries.sort(Comparator.comparing(JarEntry::getName));
            this.artifact = found != null ? found
                    : entries.stream().anyMatch(e -> e.getName().contains("providers_cuda")) ? "onnxruntime_gpu"
                    : "onnxruntime";
        }

        @Override
        public String artifact() {
            return artifact;
        }

        @Override
        public String manifest() {
            StringBuilder sb = new StringBuilder();
            for (JarEntry e : entries) {
                String n = e.getName();
                sb.append(n.substring(n.lastIndexOf('/') + 1)).append('\t').append(e.getSize()).append('\t')
                        .append(Long.toHexString(e.getCrc())).append('\n');
            }
            return sb.toString();
        }

        @Override
        public void copyTo(Path dir) throws IOException {
            for (JarEntry e : entries) {
                String n = e.getName();
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, dir.resolve(n.substring(n.lastIndexOf('/') + 1)));
                }
            }
        }

        @Override
        public void close() throws IOException {
            jar.close();
        }
    }

    private static final class FolderSource implements Source {
        private final List<Path> files;

        FolderSource(Path dir) throws IOException {
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            }
        }

        @Override
        public String artifact() {
            return files.stream().anyMatch(f -> f.getFileName().toString().contains("providers_cuda"))
                    ? "onnxruntime_gpu" : "onnxruntime";
        }

        @Override
        public String manifest() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (Path f : files) {
                sb.append(f.getFileName()).append('\t').append(Files.size(f)).append('\t')
                        .append(Long.toHexString(Files.getLastModifiedTime(f).toMillis())).append('\n');
            }
            return sb.toString();
        }

        @Override
        public void copyTo(Path dir) throws IOException {
            for (Path f : files) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }

        @Override
        public void close() {
        }
    }
}
