package dev.genloom.runtime.plugins;

import dev.genloom.api.GenloomVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Plugin-Requires}: the host checks it against its Genloom version and refuses what does not fit. */
class PluginRequiresTest {

    @TempDir
    Path temp;

    private Path plugins() throws IOException {
        return Files.createDirectories(temp.resolve("plugins"));
    }

    /** The range the plugins' parent pom writes for the API it builds against: its minor series. */
    private static String currentRange() {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)\\.\\d+.*").matcher(GenloomVersion.current());
        assertTrue(m.matches(), "the API's version is read at run time: " + GenloomVersion.current());
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return ">=" + major + "." + minor + ".0 & <" + major + "." + (minor + 1) + ".0";
    }

    private static PluginProblem problemOf(PluginHost host, Path jar) {
        return host.problems().stream().filter(p -> p.source().equals(jar.toString())).findFirst()
                .orElseThrow(() -> new AssertionError("no problem for " + jar + " in " + host.problems()));
    }

    private static List<String> familyNames(PluginHost host) {
        return host.families().stream().map(LoadedFamily::name).toList();
    }

    @Test
    void pluginRequiringAnotherGenloomIsRefusedNamingBothVersionsAndTheOthersLoad() throws Exception {
        TestPlugins.good("current").attribute("Plugin-Requires", currentRange()).buildJar(plugins());
        Path future = TestPlugins.good("future").version("3.2.1").attribute("Plugin-Requires", ">=9.0.0")
                .buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(1, host.problems().size(), host.problems().toString());
            String reason = problemOf(host, future).reason();
            assertTrue(reason.startsWith("(plugin 'future' 3.2.1) requires Genloom >=9.0.0 (Plugin-Requires), "
                    + "but this host is Genloom " + GenloomVersion.current()), reason);
            assertTrue(reason.contains("use a build of the plugin made for Genloom "), reason);
            assertEquals(List.of("current"), familyNames(host));
            assertFalse(host.isStarted("future"));
            assertNull(host.classLoaderOf("future"), "a refused plugin gets no class loader");
        }
    }

    @Test
    void pluginWithTheCurrentRangeOrAnExactMinimumOrAnyVersionLoads() throws Exception {
        String release = GenloomVersion.current().replaceFirst("[-+].*$", "");
        TestPlugins.good("ranged").attribute("Plugin-Requires", currentRange()).buildJar(plugins());
        TestPlugins.good("minimum").attribute("Plugin-Requires", release).buildJar(plugins());
        TestPlugins.good("any").attribute("Plugin-Requires", "*").buildJar(plugins());
        TestPlugins.good("silent").buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            assertEquals(List.of(), host.problems());
            assertEquals(List.of("any", "minimum", "ranged", "silent"), familyNames(host).stream().sorted().toList());
        }
    }

    @Test
    void aSnapshotHostCountsAsTheReleaseItLeadsTo() throws Exception {
        Path jar = TestPlugins.good("zero-one").attribute("Plugin-Requires", ">=0.1.0 & <0.2.0").buildJar(plugins());

        for (String accepting : List.of("0.1.0-SNAPSHOT", "0.1.0", "0.1.7", "0.1.9-rc.1+build.5")) {
            try (PluginHost host = new PluginHost(List.of(plugins()), false, accepting)) {
                assertEquals(List.of(), host.problems(), accepting);
                assertEquals(List.of("zero-one"), familyNames(host), accepting);
            }
        }
        for (String refusing : List.of("0.2.0-SNAPSHOT", "0.0.9", "1.0.0")) {
            try (PluginHost host = new PluginHost(List.of(plugins()), false, refusing)) {
                String reason = problemOf(host, jar).reason();
                assertTrue(reason.contains("requires Genloom >=0.1.0 & <0.2.0 (Plugin-Requires), but this host is "
                        + "Genloom " + refusing), reason);
                assertEquals(List.of(), host.families(), refusing);
            }
        }
        try (PluginHost host = new PluginHost(List.of(plugins()), false, "0.2.0-SNAPSHOT")) {
            String reason = problemOf(host, jar).reason();
            assertTrue(reason.contains("Genloom 0.2.0-SNAPSHOT (checked as 0.2.0); use a build of the plugin made "
                    + "for Genloom 0.2.x"), reason);
        }
    }

    @Test
    void aHostWithoutAVersionChecksNothing() throws Exception {
        TestPlugins.good("future").attribute("Plugin-Requires", ">=9.0.0").buildJar(plugins());

        try (PluginHost host = new PluginHost(List.of(plugins()), false, GenloomVersion.UNKNOWN)) {
            assertEquals(List.of(), host.problems());
            assertEquals(List.of("future"), familyNames(host));
        }
    }

    @Test
    void aRequirementThatIsNoVersionRangeIsRefusedSayingSo() throws Exception {
        TestPlugins.good("good").buildJar(plugins());
        Path garbled = TestPlugins.good("garbled").attribute("Plugin-Requires", "genloom 0.1 or later")
                .buildJar(plugins());

        try (PluginHost host = PluginHost.of(plugins())) {
            String reason = problemOf(host, garbled).reason();
            assertTrue(reason.startsWith("(plugin 'garbled' 1.0.0) has Plugin-Requires 'genloom 0.1 or later', which "
                    + "is not a version range"), reason);
            assertTrue(reason.contains("'>=0.1.0 & <0.2.0'"), reason);
            assertEquals(List.of("good"), familyNames(host));
        }
    }

    /** The echo plugin jar of this build carries the range its parent pom computes, and loads. */
    @Test
    void theBuiltEchoPluginRequiresTheCurrentSeriesAndLoads() throws Exception {
        String folder = System.getProperty("genloom.test.plugins");
        assertNotNull(folder, "run through Maven: surefire sets genloom.test.plugins");
        Path echo = Path.of(folder, "genloom-plugin-echo.jar");
        try (JarFile jar = new JarFile(echo.toFile())) {
            assertEquals(currentRange(), jar.getManifest().getMainAttributes().getValue("Plugin-Requires"));
        }
        try (PluginHost host = PluginHost.of(Path.of(folder))) {
            assertEquals(List.of(), host.problems());
            assertTrue(host.family("echo").isPresent());
        }
    }
}
