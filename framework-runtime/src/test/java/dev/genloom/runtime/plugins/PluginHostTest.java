package dev.genloom.runtime.plugins;

import dev.genloom.api.Generation;
import dev.genloom.api.Model;
import dev.genloom.api.TextToText;
import dev.genloom.spi.ModelFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginClassLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginHostTest {

    @TempDir
    Path temp;

    private Path plugins() throws IOException {
        return Files.createDirectories(temp.resolve("plugins"));
    }

    /** A model folder with the marker file of a family. */
    private FakeModelFolder modelFolder(String family, String text) throws IOException {
        Path folder = Files.createDirectories(temp.resolve("models").resolve(family + "-model"));
        Files.writeString(folder.resolve(family + ".txt"), text);
        return new FakeModelFolder(folder);
    }

    private static Generation generate(LoadedFamily family, FakeModelFolder folder, String prompt) throws Exception {
        try (Model model = family.family().load(folder.context(family.name(), family.pluginId()))) {
            TextToText text = assertInstanceOf(TextToText.class, model);
            assertEquals(family.pluginId(), model.info().plugin());
            return text.generate(prompt);
        }
    }

    private static PluginProblem problemOf(PluginHost host, String source) {
        return host.problems().stream().filter(p -> p.source().equals(source)).findFirst()
                .orElseThrow(() -> new AssertionError("no problem for " + source + " in " + host.problems()));
    }

    @Test
    void goodPluginLoadsFromFolderAndItsFamilyRecognisesAndLoadsAModel() throws Exception {
        Path jar = TestPlugins.good("good").description("A good plugin").version("2.1.0").buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(List.of(), host.problems());
            LoadedFamily family = host.family("good").orElseThrow();
            assertEquals("good", family.pluginId());
            assertEquals(List.of(family), host.families());

            FakeModelFolder mine = modelFolder("good", "hello ");
            FakeModelFolder other = modelFolder("other", "x");
            assertEquals(Optional.of("good.txt"), family.family().recognize(mine));
            assertEquals(Optional.empty(), family.family().recognize(other));
            assertEquals("hello world", generate(family, mine, "world").text());

            assertEquals(List.of(new PluginSummary("good", "2.1.0", "A good plugin", jar, List.of("good"))),
                    host.plugins());
            // the family was created by the plugin's class loader, not found on the test class path
            assertInstanceOf(HostPluginClassLoader.class, family.family().getClass().getClassLoader());
            assertTrue(host.isStarted("good"));
        }
    }

    @Test
    void missingFoldersAddNothingAndSeveralFoldersAreRead() throws Exception {
        Path first = Files.createDirectories(temp.resolve("first"));
        Path second = Files.createDirectories(temp.resolve("second"));
        TestPlugins.good("one").buildJar(first);
        TestPlugins.good("two").buildJar(second);

        try (PluginHost host = new PluginHost(List.of(temp.resolve("missing"), first, second), false)) {
            assertEquals(List.of(), host.problems());
            assertEquals(List.of("one", "two"), host.families().stream().map(LoadedFamily::name).toList());
        }
        try (PluginHost host = new PluginHost(List.of(temp.resolve("missing")), false)) {
            assertEquals(List.of(), host.families());
            assertEquals(List.of(), host.plugins());
            assertEquals(List.of(), host.problems());
        }
    }

    @Test
    void corruptJarIsReportedWithItsPathAndTheGoodPluginBesideItWorks() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        Path corrupt = PluginJars.corruptJar(plugins(), "broken.jar");

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(1, host.problems().size(), host.problems().toString());
            PluginProblem problem = problemOf(host, corrupt.toString());
            assertTrue(problem.reason().contains("not a readable jar"), problem.reason());
            assertTrue(problem.reason().contains("remove it"), problem.reason());
            assertEquals("hello world", generate(host.family("good").orElseThrow(), modelFolder("good", "hello "), "world").text());
        }
    }

    @Test
    void jarsWithoutPluginDescriptorAreReportedAndTheGoodPluginBesideThemWorks() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        Path library = TestPlugins.good("library").withoutDescriptor().fileName("library.jar").buildJar(plugins());
        Path noManifest = PluginJars.writeJar(plugins().resolve("no-manifest.jar"), null,
                Map.of("a/B.txt", new byte[] {1}));

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(2, host.problems().size(), host.problems().toString());
            String noId = problemOf(host, library.toString()).reason();
            assertTrue(noId.contains("no Plugin-Id"), noId);
            assertTrue(noId.contains("Plugin-Version"), noId);
            String noMf = problemOf(host, noManifest.toString()).reason();
            assertTrue(noMf.contains("no META-INF/MANIFEST.MF"), noMf);

            assertEquals(List.of("good"), host.families().stream().map(LoadedFamily::name).toList());
            assertEquals(List.of("good"), host.plugins().stream().map(PluginSummary::id).toList());
        }
    }

    @Test
    void familiesThatFailToConstructOrToNameThemselvesAreReportedOneByOne() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        String pkg = "test.flaky";
        PluginJars.plugin("flaky")
                .source(pkg + ".Throws", TestPlugins.family(pkg, "Throws", "throws",
                        "if (true) throw new IllegalStateException(\"boom in constructor\");", null))
                .source(pkg + ".Nameless", TestPlugins.family(pkg, "Nameless", "nameless", "",
                        "throw new UnsupportedOperationException(\"no name today\");"))
                .source(pkg + ".Fine", TestPlugins.family(pkg, "Fine", "fine"))
                .buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            List<PluginProblem> problems = host.problems();
            assertEquals(2, problems.size(), problems.toString());
            assertTrue(problems.stream().allMatch(p -> p.source().equals("flaky")), problems.toString());
            PluginProblem ctor = problems.stream().filter(p -> p.reason().contains(pkg + ".Throws")).findFirst().orElseThrow();
            assertTrue(ctor.reason().contains("IllegalStateException: boom in constructor"), ctor.reason());
            PluginProblem name = problems.stream().filter(p -> p.reason().contains(pkg + ".Nameless")).findFirst().orElseThrow();
            assertTrue(name.reason().contains("name() failed"), name.reason());
            assertTrue(name.reason().contains("no name today"), name.reason());

            // the plugin's other family and the other plugin work
            assertEquals(List.of("fine", "good"), host.families().stream().map(LoadedFamily::name).sorted().toList());
            assertEquals("ok!", generate(host.family("fine").orElseThrow(), modelFolder("fine", "ok"), "!").text());
            assertEquals(List.of("fine"), host.plugins().stream().filter(p -> p.id().equals("flaky"))
                    .findFirst().orElseThrow().families());
        }
    }

    @Test
    void pluginThatFailsToStartIsReportedUnloadedAndTheOthersWork() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        TestPlugins.good("sulky")
                .source("test.sulky.SulkyPlugin", TestPlugins.failingPlugin("test.sulky", "SulkyPlugin", "will not start"))
                .pluginClass("test.sulky.SulkyPlugin")
                .buildJar(plugins());
        // requires the one that does not start
        TestPlugins.good("follower").dependencies("sulky").buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            String start = problemOf(host, "sulky").reason();
            assertTrue(start.contains("failed to start"), start);
            assertTrue(start.contains("will not start"), start);
            String follower = problemOf(host, "follower").reason();
            assertTrue(follower.contains("'sulky'"), follower);
            assertEquals(2, host.problems().size(), host.problems().toString());

            assertEquals(List.of("good"), host.families().stream().map(LoadedFamily::name).toList());
            assertEquals(List.of("good"), host.plugins().stream().map(PluginSummary::id).toList());
            // its class loader is released right away
            assertNull(host.classLoaderOf("sulky"));
        }
    }

    @Test
    void pluginWithMissingDependencyIsReported() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        TestPlugins.good("lonely").dependencies("absent").buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            String reason = problemOf(host, "lonely").reason();
            assertTrue(reason.contains("missing"), reason);
            assertEquals(List.of("good"), host.families().stream().map(LoadedFamily::name).toList());
        }
    }

    @Test
    void secondPluginWithTheSameIdIsRefused() throws Exception {
        Path first = Files.createDirectories(temp.resolve("first"));
        Path second = Files.createDirectories(temp.resolve("second"));
        Path kept = TestPlugins.good("twin").description("first twin").buildJar(first);
        Path refused = TestPlugins.good("twin").description("second twin").buildJar(second);

        try (PluginHost host = new PluginHost(List.of(first, second), false)) {
            String reason = problemOf(host, refused.toString()).reason();
            assertTrue(reason.contains("'twin'"), reason);
            assertTrue(reason.contains(kept.toString()), reason);
            assertEquals(1, host.plugins().size());
            assertEquals("first twin", host.plugins().get(0).description());
            assertTrue(host.family("twin").isPresent());
        }
    }

    @Test
    void duplicateFamilyNameIsRefusedForTheSecondPlugin() throws Exception {
        PluginJars.plugin("a-first").source("test.a.Same", TestPlugins.family("test.a", "Same", "same")).buildJar(plugins());
        PluginJars.plugin("b-second").source("test.b.Same", TestPlugins.family("test.b", "Same", "same")).buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            LoadedFamily same = host.family("same").orElseThrow();
            assertEquals("a-first", same.pluginId());
            assertEquals("test.a.Same", same.family().getClass().getName());
            String reason = problemOf(host, "b-second").reason();
            assertTrue(reason.contains("'same'") && reason.contains("'a-first'"), reason);
            assertEquals(1, host.problems().size(), host.problems().toString());
            assertEquals(1, host.families().size());
            // the refusing plugin is still started, with no family
            assertEquals(List.of(), host.plugins().stream().filter(p -> p.id().equals("b-second"))
                    .findFirst().orElseThrow().families());
        }
    }

    @Test
    void pluginBundlingItsOwnCopyOfTheApiStillWorksAgainstTheHostsClasses() throws Exception {
        Path jar = TestPlugins.good("bundler")
                .bundleCopyOf(ModelFamily.class)
                .bundleCopyOf(Model.class)
                .buildJar(plugins());
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getEntry("dev/genloom/spi/ModelFamily.class"));
            assertNotNull(file.getEntry("dev/genloom/api/Model.class"));
        }

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(List.of(), host.problems());
            LoadedFamily family = host.family("bundler").orElseThrow();
            Class<?> type = family.family().getClass();
            assertSame(ModelFamily.class, type.getInterfaces()[0]);
            ClassLoader loader = host.classLoaderOf("bundler");
            assertSame(ModelFamily.class, loader.loadClass(ModelFamily.class.getName()));
            assertSame(Model.class, loader.loadClass(Model.class.getName()));
            URL resource = loader.getResource("dev/genloom/spi/ModelFamily.class");
            assertFalse(resource.toString().contains(jar.getFileName().toString()), resource.toString());
            assertEquals("copy!", generate(family, modelFolder("bundler", "copy"), "!").text());
        }
    }

    @Test
    void pluginsOwnLibrariesWinOverTheHostsOutsideTheSharedPackages() throws Exception {
        String shadowed = """
                package dev.genloom.runtime.plugins.fixtures;
                public final class Shadowed {
                    public static String origin() { return "plugin"; }
                }
                """;
        String pkg = "test.shadow";
        String family = TestPlugins.family(pkg, "Family", "shadow")
                .replace("\"test family shadow\"", "dev.genloom.runtime.plugins.fixtures.Shadowed.origin()");
        PluginJars.plugin("shadow").source(pkg + ".Family", family)
                .source("dev.genloom.runtime.plugins.fixtures.Shadowed", shadowed)
                .buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals("host", dev.genloom.runtime.plugins.fixtures.Shadowed.origin());
            assertEquals("plugin", host.family("shadow").orElseThrow().family().description());
        }
    }

    @Test
    void zipPluginLoadsWithItsLibrary() throws Exception {
        String pkg = "test.zipped";
        String family = TestPlugins.family(pkg, "Family", "zipped")
                .replace("String out = text + prompt;", "String out = test.ziplib.Shout.shout(text + prompt);");
        Path zip = PluginJars.plugin("zipped")
                .source(pkg + ".Family", family)
                .library("ziplib", Map.of("test.ziplib.Shout", """
                        package test.ziplib;
                        public final class Shout {
                            public static String shout(String s) { return s.toUpperCase(java.util.Locale.ROOT); }
                        }
                        """))
                .buildZip(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(List.of(), host.problems());
            LoadedFamily loaded = host.family("zipped").orElseThrow();
            assertEquals("zipped", loaded.pluginId());
            assertEquals("QUIET VOICE", generate(loaded, modelFolder("zipped", "quiet "), "voice").text());
            assertEquals(zip, host.plugins().get(0).path());
        }
        // opened again, the expanded copy beside the zip is not taken for a second plugin
        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(List.of(), host.problems());
            assertEquals(1, host.plugins().size());
        }
    }

    @Test
    void aZipWithAnEntryOutsideItsFolderIsRefusedAndLeavesNothingBehind() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        // a working plugin zip, then one more entry that climbs out of the expansion folder: PF4J
        // writes the entries before it, then stops at it
        Path good = TestPlugins.good("slip").buildZip(temp.resolve("built"));
        Path zip = plugins().resolve("slip.zip");
        try (ZipFile in = new ZipFile(good.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(in.getInputStream(e).readAllBytes());
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("../../escaped.txt"));
            out.write("written outside the plugins folder".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        try (PluginHost host = PluginHost.of(plugins())) {
            String reason = problemOf(host, zip.toString()).reason();
            assertTrue(reason.contains("has an entry outside its folder ('../../escaped.txt')"), reason);
            assertTrue(reason.contains("nothing of it was expanded"), reason);
            assertTrue(host.family("good").isPresent(), "the other plugins still load");
            assertTrue(host.family("slip").isEmpty());
        }
        assertFalse(Files.exists(plugins().resolve("slip")), "no partial expansion beside the zip");
        assertFalse(Files.exists(temp.resolve("escaped.txt")));
        try (Stream<Path> all = Files.walk(temp)) {
            assertEquals(List.of(), all.filter(p -> p.getFileName().toString().equals("escaped.txt")).toList());
        }
        try (Stream<Path> left = Files.list(plugins())) {
            assertEquals(List.of(), left.filter(Files::isDirectory).toList(), "no folder in the plugins folder");
        }
    }

    @Test
    void zipEntriesAreCheckedAgainstTheExpansionFolder() {
        Path into = Path.of("/plugins/p");
        assertEquals(Path.of("/plugins/p"), HostPluginManager.expansionOf(Path.of("/plugins/p.zip")));
        for (String inside : List.of("classes/a.class", "lib/x.jar", "a/../b.txt", "./c")) {
            assertNull(entryOutside(into, inside), inside);
        }
        for (String outside : List.of("../x", "classes/../../x", "/etc/passwd")) {
            assertEquals(outside, entryOutside(into, outside), outside);
        }
    }

    private String entryOutside(Path into, String name) {
        try {
            Path zip = temp.resolve("one.zip");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry(name));
                out.closeEntry();
            }
            try (ZipFile z = new ZipFile(zip.toFile())) {
                return HostPluginManager.entryOutside(z, into);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void corruptZipIsReported() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        Path zip = plugins().resolve("broken.zip");
        Files.writeString(zip, "not a zip");

        try (PluginHost host = PluginHost.of(plugins())) {
            String reason = problemOf(host, zip.toString()).reason();
            assertTrue(reason.contains("not a readable zip"), reason);
            assertTrue(host.family("good").isPresent());
        }
    }

    @Test
    void familyOnTheClassPathIsFoundWithPluginIdClasspath() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        // no extensions.idx of its own: PF4J's loader would hand it the class path's index
        PluginJars.plugin("plain").source("test.plain.Util", "package test.plain; public class Util { }")
                .withoutExtensionIndex().buildJar(plugins());

        try (PluginHost host = new PluginHost(List.of(plugins()), true)) {
            assertEquals(List.of(), host.problems());
            assertNull(host.classLoaderOf("plain").getResource("META-INF/extensions.idx"));
            assertEquals(List.of(), host.plugins().stream().filter(p -> p.id().equals("plain"))
                    .findFirst().orElseThrow().families());
            LoadedFamily family = host.family(ClasspathTestFamily.NAME).orElseThrow();
            assertEquals(LoadedFamily.CLASSPATH, family.pluginId());
            assertSame(ClasspathTestFamily.class, family.family().getClass());
            PluginSummary classpath = host.plugins().stream().filter(p -> p.id().equals(LoadedFamily.CLASSPATH))
                    .findFirst().orElseThrow();
            assertNull(classpath.path());
            assertTrue(classpath.families().contains(ClasspathTestFamily.NAME));
            // the class path's families are not taken for the plugin's
            assertEquals(List.of("good"), host.plugins().stream().filter(p -> p.id().equals("good"))
                    .findFirst().orElseThrow().families());
            assertEquals("good", host.family("good").orElseThrow().pluginId());
        }
        try (PluginHost host = new PluginHost(List.of(plugins()), false)) {
            assertTrue(host.family(ClasspathTestFamily.NAME).isEmpty());
            assertTrue(host.plugins().stream().noneMatch(p -> p.id().equals(LoadedFamily.CLASSPATH)));
        }
    }

    @Test
    void closeStopsUnloadsAndReleasesThePluginJars() throws Exception {
        Path jar = TestPlugins.good("good")
                .source("test.good.NeverLoaded", "package test.good; public class NeverLoaded { }")
                .buildJar(plugins());
        PluginHost host = PluginHost.of(plugins());
        ClassLoader loader = host.classLoaderOf("good");
        PluginClassLoader pluginLoader = assertInstanceOf(PluginClassLoader.class, loader);
        assertEquals("hi there", generate(host.family("good").orElseThrow(), modelFolder("good", "hi "), "there").text());
        boolean procFds = Files.isDirectory(Path.of("/proc/self/fd"));
        if (procFds) {
            assertTrue(openFiles().contains(jar.toRealPath()), "the plugin jar should be open while the plugin runs");
        }

        host.close();

        assertTrue(pluginLoader.isClosed());
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("test.good.NeverLoaded"));
        if (procFds) {
            assertFalse(openFiles().contains(jar.toRealPath()), "the plugin jar is still open after close()");
        }
        Files.delete(jar);
        assertEquals(List.of(), host.families());
        assertEquals(Optional.empty(), host.family("good"));
        assertEquals(List.of(), host.plugins());
        host.close(); // again: nothing happens
    }

    @Test
    void noPluginFailureEscapesTheConstructor() throws Exception {
        // everything at once, beside a good plugin
        TestPlugins.good("good").buildJar(plugins());
        PluginJars.corruptJar(plugins(), "a.jar");
        PluginJars.corruptJar(plugins(), "b.zip");
        Files.createDirectories(plugins().resolve("stray-folder"));
        TestPlugins.good("classpath").buildJar(plugins());
        PluginJars.plugin("ghost").extensionIndex("test.ghost.Missing").buildJar(plugins());
        PluginJars.plugin("noversion").attribute("Plugin-Version", null).buildJar(plugins());

        try (PluginHost host = new PluginHost(List.of(plugins()), true)) {
            assertTrue(host.family("good").isPresent());
            List<String> sources = host.problems().stream().map(PluginProblem::source).toList();
            assertTrue(sources.contains(plugins().resolve("stray-folder").toString()), sources.toString());
            assertTrue(problemOf(host, "ghost").reason().contains("test.ghost.Missing"));
            assertTrue(problemOf(host, plugins().resolve("classpath-1.0.0.jar").toString()).reason()
                    .contains("keeps for the families on the application class path"));
            assertTrue(host.problems().stream().anyMatch(p -> p.reason().contains("no Plugin-Version")),
                    host.problems().toString());
            assertEquals(6, host.problems().size(), host.problems().toString());
        }
    }

    private static List<Path> openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return fd; // closed meanwhile
                }
            }).toList();
        }
    }
}
