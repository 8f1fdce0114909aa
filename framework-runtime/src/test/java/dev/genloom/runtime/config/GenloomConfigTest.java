package dev.genloom.runtime.config;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenloomConfigTest {

    @TempDir
    Path tmp;

    private static final Path USER_HOME = Paths.get(System.getProperty("user.home"));

    private Path yaml(String text) throws Exception {
        return Files.writeString(tmp.resolve("genloom.yaml"), text);
    }

    private static GenloomException invalid(Runnable r) {
        GenloomException e = assertThrows(GenloomException.class, r::run);
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), e.getMessage());
        return e;
    }

    private static void assertMentions(GenloomException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void defaults() {
        GenloomConfig c = GenloomConfig.defaults(Map.of());
        Path home = USER_HOME.resolve(".genloom");
        assertEquals(home, c.home());
        assertEquals(List.of(home.resolve("plugins")), c.plugins());
        assertEquals(List.of(home.resolve("models")), c.models());
        assertEquals(home.resolve("cache"), c.cache());
        assertEquals(DeviceSpec.AUTO, c.device());
        assertEquals(0, c.intraOpThreads());
        assertEquals(0, c.interOpThreads());
        assertEquals(Optimization.ALL, c.optimization());
        assertTrue(c.optimizedCache());
        assertEquals(Dtype.FP32, c.dtype());
        assertEquals(2, c.pipelineParallelism());
        assertEquals("https://huggingface.co", c.hub());
        assertNull(c.source());
    }

    /** The documented file at the repository root says exactly the defaults. */
    @Test
    void theShippedConfigFileLoadsToTheDefaults() {
        Path shipped = Paths.get("..", "config", "genloom.yaml").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(shipped), shipped + " is missing");
        GenloomConfig fromFile = GenloomConfig.load(shipped, Map.of());
        assertEquals(shipped, fromFile.source());
        assertEquals(GenloomConfig.defaults(Map.of()), withoutSource(fromFile));

        // and the folders in it still follow GENLOOM_HOME, as the defaults do
        Map<String, String> env = Map.of("GENLOOM_HOME", tmp.toString());
        assertEquals(GenloomConfig.defaults(env), withoutSource(GenloomConfig.load(shipped, env)));
    }

    private static GenloomConfig withoutSource(GenloomConfig c) {
        return new GenloomConfig(c.home(), c.plugins(), c.models(), c.cache(), c.device(), c.intraOpThreads(),
                c.interOpThreads(), c.optimization(), c.optimizedCache(), c.dtype(), c.pipelineParallelism(),
                c.maxImagePixels(), c.hub(), null);
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
        Path file = yaml("""
                home: /opt/genloom
                plugins: [/opt/p1, /opt/p2]
                models: /opt/models
                cache: /var/cache/genloom
                device: cpu
                threads:
                  intra-op: 4
                  inter-op: 1
                optimization: basic
                dtype: q4
                pipeline:
                  parallelism: 3
                hub: https://mirror.example.org/hf/
                """);
        GenloomConfig f = GenloomConfig.load(file, Map.of());
        assertEquals(Paths.get("/opt/genloom"), f.home());
        assertEquals(List.of(Paths.get("/opt/p1"), Paths.get("/opt/p2")), f.plugins());
        assertEquals(List.of(Paths.get("/opt/models")), f.models());
        assertEquals(Paths.get("/var/cache/genloom"), f.cache());
        assertEquals(DeviceSpec.CPU, f.device());
        assertEquals(4, f.intraOpThreads());
        assertEquals(1, f.interOpThreads());
        assertEquals(Optimization.BASIC, f.optimization());
        assertEquals(Dtype.Q4, f.dtype());
        assertEquals(3, f.pipelineParallelism());
        assertEquals("https://mirror.example.org/hf", f.hub());
        assertEquals(file, f.source());

        String sep = File.pathSeparator;
        GenloomConfig e = GenloomConfig.load(file, Map.of(
                "GENLOOM_HOME", "/srv/gl",
                "GENLOOM_PLUGINS", "/a/plugins" + sep + "/b/plugins" + sep,
                "GENLOOM_MODELS", "/m",
                "GENLOOM_CACHE", "/c",
                "GENLOOM_DEVICE", "cuda:1",
                "GENLOOM_HUB", "http://localhost:8080",
                "UNRELATED", "x"));
        assertEquals(Paths.get("/srv/gl"), e.home());
        assertEquals(List.of(Paths.get("/a/plugins"), Paths.get("/b/plugins")), e.plugins());
        assertEquals(List.of(Paths.get("/m")), e.models());
        assertEquals(Paths.get("/c"), e.cache());
        assertEquals(DeviceSpec.cuda(1), e.device());
        assertEquals("http://localhost:8080", e.hub());
        assertEquals(4, e.intraOpThreads(), "keys without a variable keep the file's value");
        assertEquals(Dtype.Q4, e.dtype());
    }

    @Test
    void foldersFollowHomeUnlessSetAndRelativePathsResolve() throws Exception {
        Path file = yaml("""
                home: gl-home
                models: [models, ~/more-models]
                """);
        GenloomConfig c = GenloomConfig.load(file, Map.of());
        Path home = tmp.resolve("gl-home");
        assertEquals(home, c.home(), "a relative home is taken from the file's folder");
        assertEquals(List.of(home.resolve("plugins")), c.plugins(), "defaults follow home");
        assertEquals(List.of(home.resolve("models"), USER_HOME.resolve("more-models")), c.models());
        assertEquals(home.resolve("cache"), c.cache());

        GenloomConfig moved = GenloomConfig.load(file, Map.of("GENLOOM_HOME", "/elsewhere"));
        assertEquals(List.of(Paths.get("/elsewhere/plugins")), moved.plugins());
        assertEquals(Paths.get("/elsewhere/models"), moved.models().get(0));
    }

    @Test
    void tildeExpandsInFileAndEnvironment() throws Exception {
        // a bare ~ is YAML's null (the default); quoted it is the user's home
        Path file = yaml("home: ~/gl\ncache: \"~\"\nmodels: ~\n");
        GenloomConfig c = GenloomConfig.load(file, Map.of("GENLOOM_PLUGINS", "~/p" + File.pathSeparator + "~"));
        assertEquals(USER_HOME.resolve("gl"), c.home());
        assertEquals(USER_HOME, c.cache());
        assertEquals(List.of(USER_HOME.resolve("p"), USER_HOME), c.plugins());
        assertEquals(List.of(USER_HOME.resolve("gl/models")), c.models());
    }

    @Test
    void theHomeFileIsFoundThroughGenloomHome() throws Exception {
        Files.writeString(tmp.resolve("genloom.yaml"), "device: cpu\ndtype: fp16\n");
        GenloomConfig c = GenloomConfig.load(null, Map.of("GENLOOM_HOME", tmp.toString()));
        assertEquals(DeviceSpec.CPU, c.device());
        assertEquals(Dtype.FP16, c.dtype());
        assertEquals(tmp.resolve("genloom.yaml"), c.source());

        Path empty = Files.createDirectory(tmp.resolve("empty-home"));
        GenloomConfig none = GenloomConfig.load(null, Map.of("GENLOOM_HOME", empty.toString()));
        assertNull(none.source());
        assertEquals(GenloomConfig.defaults(Map.of("GENLOOM_HOME", empty.toString())), none);
    }

    @Test
    void anEmptyFileMeansTheDefaults() throws Exception {
        Path file = yaml("# nothing set\n");
        assertEquals(GenloomConfig.defaults(Map.of()), withoutSource(GenloomConfig.load(file, Map.of())));
    }

    @Test
    void aMissingExplicitFileIsInvalidInputNamingIt() {
        Path missing = tmp.resolve("no/genloom.yaml");
        GenloomException e = assertThrows(GenloomException.class, () -> GenloomConfig.load(missing, Map.of()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertMentions(e, missing.toString(), "not found");
    }

    @Test
    void aFileThatIsNotUtf8OrTooLargeIsRefusedInWords() throws Exception {
        Path utf16 = Files.write(tmp.resolve("u16.yaml"), "device: cpu\n".getBytes(StandardCharsets.UTF_16));
        assertMentions(invalid(() -> GenloomConfig.load(utf16, Map.of())), utf16.toString(), "is not UTF-8 text");

        Path big = tmp.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(YamlFiles.MAX_BYTES + 1L);
        }
        assertMentions(invalid(() -> GenloomConfig.load(big, Map.of())), big.toString(),
                "(" + (YamlFiles.MAX_BYTES + 1L) + " bytes)", "over 3.0 MiB (" + YamlFiles.MAX_BYTES + " bytes)");
    }

    @Test
    void theImagePixelLimitIsASetting() throws Exception {
        assertEquals(67_108_864L, GenloomConfig.defaults(Map.of()).maxImagePixels());
        Path file = yaml("media:\n  max-image-pixels: 1000000\n");
        assertEquals(1_000_000L, GenloomConfig.load(file, Map.of()).maxImagePixels());
        assertEquals(5L, GenloomConfig.defaults(Map.of()).withMaxImagePixels(5).maxImagePixels());

        Path zero = yaml("media:\n  max-image-pixels: 0\n");
        assertMentions(invalid(() -> GenloomConfig.load(zero, Map.of())), "'media.max-image-pixels'", "0",
                "from 1 to 715827877");
        Path huge = yaml("media:\n  max-image-pixels: 999999999999\n");
        assertMentions(invalid(() -> GenloomConfig.load(huge, Map.of())), "'media.max-image-pixels'");
        Path typo = yaml("media:\n  max-pixels: 10\n");
        assertMentions(invalid(() -> GenloomConfig.load(typo, Map.of())), "'media.max-pixels'", "max-image-pixels");
        invalid(() -> GenloomConfig.defaults(Map.of()).withMaxImagePixels(0));
    }

    @Test
    void aNamedPluginsFolderMustExistButTheDefaultMayBeAbsent() throws Exception {
        Map<String, String> home = Map.of("GENLOOM_HOME", tmp.resolve("home").toString());
        GenloomConfig.defaults(home).checkPluginFolders(null); // <home>/plugins does not exist: nothing installed yet

        Path missing = tmp.resolve("no-such-plugins");
        GenloomConfig named = GenloomConfig.defaults(Map.of("GENLOOM_PLUGINS", missing.toString()));
        assertMentions(invalid(() -> named.checkPluginFolders("GENLOOM_PLUGINS")),
                "plugins folder " + missing + " does not exist");
        assertTrue(invalid(() -> named.checkPluginFolders("GENLOOM_PLUGINS")).describe()
                .contains("named by GENLOOM_PLUGINS"));

        Path file = Files.writeString(tmp.resolve("plugins.txt"), "not a folder");
        GenloomConfig aFile = GenloomConfig.defaults(Map.of()).withPlugins(List.of(file));
        assertMentions(invalid(() -> aFile.checkPluginFolders("pluginsDir")), file + " is a file, not a folder");

        Files.createDirectories(tmp.resolve("home"));
        Files.writeString(tmp.resolve("home/plugins"), "a file where the default folder goes");
        invalid(() -> GenloomConfig.defaults(home).checkPluginFolders(null));
    }

    @Test
    void unknownKeysAreNamedWithTheFileAndTheAllowedKeys() throws Exception {
        Path file = yaml("device: cpu\ndevcie: cuda\n");
        assertMentions(invalid(() -> GenloomConfig.load(file, Map.of())), file.toString(), "'devcie'", "device",
                "threads", "pipeline");

        Path nested = yaml("threads:\n  intra_op: 2\n");
        assertMentions(invalid(() -> GenloomConfig.load(nested, Map.of())), nested.toString(),
                "'threads.intra_op'", "intra-op", "inter-op");

        Path pipeline = yaml("pipeline:\n  workers: 2\n");
        assertMentions(invalid(() -> GenloomConfig.load(pipeline, Map.of())), "'pipeline.workers'", "parallelism");
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAllowed() throws Exception {
        Path f1 = yaml("device: gpu0\n");
        assertMentions(invalid(() -> GenloomConfig.load(f1, Map.of())), f1.toString(), "'device'", "gpu0",
                "auto", "cpu", "cuda:N");
        Path f2 = yaml("optimization: max\n");
        assertMentions(invalid(() -> GenloomConfig.load(f2, Map.of())), "'optimization'", "max",
                "disable, basic, extended, all");
        Path f3 = yaml("dtype: fp8\n");
        assertMentions(invalid(() -> GenloomConfig.load(f3, Map.of())), "'dtype'", "fp8",
                "fp32, fp16, quantized, int8, uint8, q4, q4f16, bnb4");
        Path f4 = yaml("threads:\n  intra-op: -1\n");
        assertMentions(invalid(() -> GenloomConfig.load(f4, Map.of())), "'threads.intra-op'", "-1");
        Path f5 = yaml("threads:\n  inter-op: two\n");
        assertMentions(invalid(() -> GenloomConfig.load(f5, Map.of())), "'threads.inter-op'", "two");
        Path f6 = yaml("pipeline:\n  parallelism: 0\n");
        assertMentions(invalid(() -> GenloomConfig.load(f6, Map.of())), "'pipeline.parallelism'", "0");
        Path f7 = yaml("threads: 4\n");
        assertMentions(invalid(() -> GenloomConfig.load(f7, Map.of())), "'threads'", "intra-op");
        Path f8 = yaml("plugins:\n  - [nested]\n");
        assertMentions(invalid(() -> GenloomConfig.load(f8, Map.of())), "'plugins'");
        Path f9 = yaml("hub: ftp://example.org\n");
        assertMentions(invalid(() -> GenloomConfig.load(f9, Map.of())), "'hub'", "ftp://example.org");
        Path f10 = yaml("threads:\n  intra-op: 2.5\n");
        assertMentions(invalid(() -> GenloomConfig.load(f10, Map.of())), "'threads.intra-op'", "2.5");
    }

    @Test
    void brokenYamlSaysWhere() throws Exception {
        Path file = yaml("device: cpu\nthreads: [unclosed\n");
        assertMentions(invalid(() -> GenloomConfig.load(file, Map.of())), file.toString(), "line");
        Path dup = yaml("device: cpu\ndevice: cuda\n");
        assertMentions(invalid(() -> GenloomConfig.load(dup, Map.of())), dup.toString(), "device");
        Path list = yaml("- device: cpu\n");
        assertMentions(invalid(() -> GenloomConfig.load(list, Map.of())), list.toString(), "mapping");
    }

    @Test
    void badEnvironmentValuesNameTheVariable() {
        assertMentions(invalid(() -> GenloomConfig.defaults(Map.of("GENLOOM_DEVICE", "tpu"))), "GENLOOM_DEVICE",
                "tpu", "cuda:N");
        assertMentions(invalid(() -> GenloomConfig.defaults(Map.of("GENLOOM_HUB", "gopher://x"))), "GENLOOM_HUB");
        assertMentions(invalid(() -> GenloomConfig.defaults(Map.of("GENLOOM_PLUGINS", File.pathSeparator))),
                "GENLOOM_PLUGINS");
    }

    @Test
    void theOptimizedCacheIsSwitchedByFileAndEnvironment() throws Exception {
        Path off = yaml("optimized-cache: false\n");
        assertFalse(GenloomConfig.load(off, Map.of()).optimizedCache());
        assertTrue(GenloomConfig.load(off, Map.of("GENLOOM_OPTIMIZED_CACHE", "1")).optimizedCache(),
                "the variable beats the file");
        assertFalse(GenloomConfig.defaults(Map.of("GENLOOM_OPTIMIZED_CACHE", "off")).optimizedCache());
        assertTrue(GenloomConfig.load(yaml("optimized-cache: yes\n"), Map.of()).optimizedCache());
        assertFalse(GenloomConfig.defaults(Map.of()).withOptimizedCache(false).optimizedCache());
        Path maybe = yaml("optimized-cache: maybe\n");
        assertMentions(invalid(() -> GenloomConfig.load(maybe, Map.of())), "optimized-cache", "maybe", "true or false");
        Path list = yaml("optimized-cache: [true]\n");
        assertMentions(invalid(() -> GenloomConfig.load(list, Map.of())), "optimized-cache");
        assertMentions(invalid(() -> GenloomConfig.defaults(Map.of("GENLOOM_OPTIMIZED_CACHE", "sometimes"))),
                "GENLOOM_OPTIMIZED_CACHE", "sometimes");
    }

    @Test
    void blankEnvironmentValuesAreIgnored() {
        assertEquals(GenloomConfig.defaults(Map.of()), GenloomConfig.defaults(Map.of("GENLOOM_DEVICE", " ",
                "GENLOOM_HOME", "")));
    }

    @Test
    void deviceStrings() {
        assertEquals(DeviceSpec.AUTO, DeviceSpec.parse("AUTO").orElseThrow());
        assertEquals(DeviceSpec.cuda(0), DeviceSpec.parse("cuda").orElseThrow());
        assertEquals(DeviceSpec.cuda(3), DeviceSpec.parse(" cuda:3 ").orElseThrow());
        assertEquals("cuda:3", DeviceSpec.cuda(3).toString());
        assertTrue(DeviceSpec.parse("cuda:").isEmpty());
        assertTrue(DeviceSpec.parse("cuda:-1").isEmpty());
        assertTrue(DeviceSpec.parse("cuda:x").isEmpty());
        assertTrue(DeviceSpec.parse("mps").isEmpty());
    }

    @Test
    void cliOverrides() {
        GenloomConfig c = GenloomConfig.defaults(Map.of())
                .withDevice("cuda:2")
                .withThreads(8, 2)
                .withPlugins(List.of(Paths.get("/x/plugins")))
                .withModels(List.of(Paths.get("/x/m1"), Paths.get("/x/m2")))
                .withDtype("fp16")
                .withOptimization("extended")
                .withCache(Paths.get("/x/cache"));
        assertEquals(DeviceSpec.cuda(2), c.device());
        assertEquals(8, c.intraOpThreads());
        assertEquals(2, c.interOpThreads());
        assertEquals(List.of(Paths.get("/x/plugins")), c.plugins());
        assertEquals(List.of(Paths.get("/x/m1"), Paths.get("/x/m2")), c.models());
        assertEquals(Dtype.FP16, c.dtype());
        assertEquals(Optimization.EXTENDED, c.optimization());
        assertEquals(Paths.get("/x/cache"), c.cache());
        assertEquals(3, c.withIntraOpThreads(3).intraOpThreads());
        assertEquals(5, c.withInterOpThreads(5).interOpThreads());

        assertMentions(invalid(() -> c.withDevice("gpu")), "gpu", "cuda:N");
        assertMentions(invalid(() -> c.withThreads(-2, 0)), "-2");
        invalid(() -> c.withPlugins(List.of()));
        invalid(() -> c.withDtype("fp64"));
    }

    @Test
    void pathListsAreImmutable() {
        GenloomConfig c = GenloomConfig.defaults(Map.of());
        assertThrows(UnsupportedOperationException.class, () -> c.plugins().add(Paths.get("/x")));
    }
}
