package dev.genloom.runtime.plugins;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds real PF4J plugins at test time: compiles Java sources against the test class path (so
 * they see Genloom's API and PF4J), runs PF4J's annotation processor (which writes
 * {@code META-INF/extensions.idx} for the {@code @Extension} classes), and writes a plugin jar
 * (manifest with {@code Plugin-Id}, {@code Plugin-Version}, ...), a PF4J plugin zip
 * ({@code classes/} + {@code lib/}) or an expanded plugin folder.
 *
 * <pre>{@code
 * Path jar = PluginJars.plugin("echo")
 *         .source("test.echo.EchoFamily", "package test.echo; ... @Extension public class EchoFamily ...")
 *         .buildJar(pluginsFolder);
 * }</pre>
 */
public final class PluginJars {

    private PluginJars() {
    }

    /** Starts a plugin with this id, version {@code 1.0.0}. */
    public static Builder plugin(String id) {
        return new Builder(id);
    }

    /** A file named like a jar that is not one. */
    public static Path corruptJar(Path folder, String fileName) {
        Path jar = folder.resolve(fileName);
        write(jar, "this is not a zip file, whatever its name says\n".getBytes(StandardCharsets.UTF_8));
        return jar;
    }

    /** The bytes of a class file of the test class path (to bundle a copy of a host class). */
    public static byte[] classBytes(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compiles sources against the test class path into a map of entry name (
     * {@code a/b/C.class}, {@code META-INF/extensions.idx}) to bytes, with PF4J's processor.
     */
    public static Map<String, byte[]> compile(Map<String, String> sources) {
        if (sources.isEmpty()) {
            return new TreeMap<>();
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler: run the tests on a JDK, not a JRE");
        }
        Path out = null;
        try {
            out = Files.createTempDirectory("genloom-plugin-classes");
            List<JavaFileObject> units = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                units.add(new Source(source.getKey(), source.getValue()));
            }
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            List<String> options = List.of(
                    "-classpath", System.getProperty("java.class.path"),
                    "-d", out.toString(),
                    // named, so it runs whatever the JDK's default for implicit processing
                    "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor",
                    "-Xlint:none", "-nowarn");
            try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                    StandardCharsets.UTF_8)) {
                boolean ok = compiler.getTask(null, files, diagnostics, options, null, units).call();
                if (!ok) {
                    StringBuilder message = new StringBuilder("test plugin sources do not compile:");
                    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                        if (d.getKind() == Diagnostic.Kind.ERROR) {
                            message.append("\n  ").append(d.getSource() == null ? "" : d.getSource().getName())
                                    .append(':').append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT));
                        }
                    }
                    throw new IllegalStateException(message.toString());
                }
            }
            Map<String, byte[]> entries = new TreeMap<>();
            Path root = out;
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    entries.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(out);
        }
    }

    /** Writes a jar: a manifest (or none where {@code manifest} is null), then the entries. */
    public static Path writeJar(Path jar, Manifest manifest, Map<String, byte[]> entries) {
        try {
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (OutputStream file = Files.newOutputStream(jar);
                 JarOutputStream out = manifest == null ? new JarOutputStream(file) : new JarOutputStream(file, manifest)) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    out.putNextEntry(new JarEntry(entry.getKey()));
                    out.write(entry.getValue());
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plugin being described. */
    public static final class Builder {
        private final Map<String, String> manifest = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Map<String, byte[]> resources = new TreeMap<>();
        private final Map<String, Map<String, String>> libraries = new LinkedHashMap<>();
        private List<String> extensionIndex;
        private boolean withoutIndex;
        private String fileName;

        private Builder(String id) {
            manifest.put("Plugin-Id", id);
            manifest.put("Plugin-Version", "1.0.0");
            manifest.put("Plugin-Provider", "Genloom tests");
            manifest.put("Plugin-Description", "Test plugin " + id);
        }

        public Builder version(String version) {
            return attribute("Plugin-Version", version);
        }

        public Builder provider(String provider) {
            return attribute("Plugin-Provider", provider);
        }

        public Builder description(String description) {
            return attribute("Plugin-Description", description);
        }

        /** A {@code org.pf4j.Plugin} subclass to create and start. */
        public Builder pluginClass(String className) {
            return attribute("Plugin-Class", className);
        }

        /** {@code Plugin-Dependencies}: comma-separated ids ({@code a, b@>=1.0, c?}). */
        public Builder dependencies(String dependencies) {
            return attribute("Plugin-Dependencies", dependencies);
        }

        /** Any manifest attribute; {@code null} removes it. */
        public Builder attribute(String name, String value) {
            if (value == null) {
                manifest.remove(name);
            } else {
                manifest.put(name, value);
            }
            return this;
        }

        /** Leaves out every {@code Plugin-*} attribute: the jar is no plugin. */
        public Builder withoutDescriptor() {
            manifest.keySet().removeIf(name -> name.startsWith("Plugin-"));
            return this;
        }

        /** A Java source of the plugin, by its fully qualified class name. */
        public Builder source(String className, String code) {
            sources.put(className, code);
            return this;
        }

        /** A file of the plugin, by its path inside the jar ({@code a/b/file.txt}). */
        public Builder resource(String path, byte[] bytes) {
            resources.put(path, bytes.clone());
            return this;
        }

        public Builder resource(String path, String text) {
            return resource(path, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Bundles a copy of a class of the test class path (a host class, an API class...). */
        public Builder bundleCopyOf(Class<?> type) {
            return resource(type.getName().replace('.', '/') + ".class", classBytes(type));
        }

        /**
         * A library of the plugin, compiled from these sources (class name to code): in a zip it
         * goes into {@code lib/<name>.jar}; in a jar, its classes are merged into the jar.
         */
        public Builder library(String name, Map<String, String> librarySources) {
            libraries.put(name, new LinkedHashMap<>(librarySources));
            return this;
        }

        /** Writes this {@code META-INF/extensions.idx} instead of the one PF4J's processor writes. */
        public Builder extensionIndex(String... classNames) {
            extensionIndex = List.of(classNames);
            withoutIndex = false;
            return this;
        }

        /** Writes no {@code META-INF/extensions.idx} at all (PF4J's processor writes one even when empty). */
        public Builder withoutExtensionIndex() {
            extensionIndex = null;
            withoutIndex = true;
            return this;
        }

        /** The file name (default {@code <id>-<version>.jar} / {@code .zip}). */
        public Builder fileName(String name) {
            fileName = name;
            return this;
        }

        /** Builds {@code <folder>/<id>-<version>.jar}. */
        public Path buildJar(Path folder) {
            Map<String, byte[]> entries = classesAndResources();
            for (Map<String, String> library : libraries.values()) {
                compile(library).forEach(entries::putIfAbsent);
            }
            return writeJar(folder.resolve(name(".jar")), manifest(), entries);
        }

        /** Builds a PF4J plugin zip: {@code classes/} with the manifest, {@code lib/*.jar}. */
        public Path buildZip(Path folder) {
            Path zip = folder.resolve(name(".zip"));
            try {
                Files.createDirectories(folder);
                try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                    for (Map.Entry<String, byte[]> entry : layout().entrySet()) {
                        out.putNextEntry(new ZipEntry(entry.getKey()));
                        out.write(entry.getValue());
                        out.closeEntry();
                    }
                }
                return zip;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Builds an expanded plugin folder {@code <folder>/<id>} (what a zip expands to). */
        public Path buildFolder(Path folder) {
            Path plugin = folder.resolve(manifest.getOrDefault("Plugin-Id", "plugin"));
            for (Map.Entry<String, byte[]> entry : layout().entrySet()) {
                write(plugin.resolve(entry.getKey()), entry.getValue());
            }
            return plugin;
        }

        private Map<String, byte[]> layout() {
            Map<String, byte[]> entries = new TreeMap<>();
            entries.put("classes/META-INF/MANIFEST.MF", manifestBytes());
            classesAndResources().forEach((name, bytes) -> entries.put("classes/" + name, bytes));
            for (Map.Entry<String, Map<String, String>> library : libraries.entrySet()) {
                ByteArrayOutputStream jar = new ByteArrayOutputStream();
                try (JarOutputStream out = new JarOutputStream(jar)) {
                    for (Map.Entry<String, byte[]> entry : compile(library.getValue()).entrySet()) {
                        out.putNextEntry(new JarEntry(entry.getKey()));
                        out.write(entry.getValue());
                        out.closeEntry();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                entries.put("lib/" + library.getKey() + ".jar", jar.toByteArray());
            }
            return entries;
        }

        private Map<String, byte[]> classesAndResources() {
            Map<String, String> all = new LinkedHashMap<>(sources);
            // the plugin's own sources see its libraries' classes
            libraries.values().forEach(all::putAll);
            Map<String, byte[]> compiled = compile(all);
            Map<String, byte[]> entries = new TreeMap<>();
            for (Map.Entry<String, byte[]> entry : compiled.entrySet()) {
                if (!isLibraryClass(entry.getKey())) {
                    entries.put(entry.getKey(), entry.getValue());
                }
            }
            entries.putAll(resources);
            if (withoutIndex) {
                entries.remove("META-INF/extensions.idx");
            } else if (extensionIndex != null) {
                entries.put("META-INF/extensions.idx",
                        (String.join("\n", extensionIndex) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return entries;
        }

        private boolean isLibraryClass(String entry) {
            for (Map<String, String> library : libraries.values()) {
                for (String className : library.keySet()) {
                    String base = className.replace('.', '/');
                    if (entry.equals(base + ".class") || entry.startsWith(base + "$")) {
                        return true;
                    }
                }
            }
            return false;
        }

        private String name(String extension) {
            if (fileName != null) {
                return fileName;
            }
            String id = manifest.getOrDefault("Plugin-Id", "library");
            return id + "-" + manifest.getOrDefault("Plugin-Version", "0") + extension;
        }

        private Manifest manifest() {
            Manifest m = new Manifest();
            Attributes main = m.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.forEach(main::putValue);
            return m;
        }

        private byte[] manifestBytes() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                manifest().write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
