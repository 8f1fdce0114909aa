package dev.genloom.runtime.session;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibrariesTest {

    @TempDir
    Path cache;

    private static final String LIB = System.mapLibraryName("onnxruntime");
    private static final String JNI = System.mapLibraryName("onnxruntime4j_jni");

    @Test
    void unpacksOnceIntoAVersionedFolder() throws IOException {
        Optional<Path> dir = NativeLibraries.unpack(cache);
        assertTrue(dir.isPresent());
        Path d = dir.get();
        assertEquals(cache.resolve("native"), d.getParent());
        assertTrue(d.getFileName().toString().startsWith("onnxruntime-1.29.0-onnxruntime"), d.toString());
        assertTrue(Files.size(d.resolve(LIB)) > 1_000_000);
        assertTrue(Files.isRegularFile(d.resolve(JNI)));
        assertTrue(Files.isRegularFile(d.resolve(NativeLibraries.MARKER)));
        try (Stream<Path> s = Files.list(cache.resolve("native"))) {
            assertEquals(List.of(d), s.toList(), "no temporary folders are left behind");
        }
    }

    @Test
    void reusesACompleteFolderAndReplacesADamagedOne() throws IOException {
        Path d = NativeLibraries.unpack(cache).orElseThrow();
        long size = Files.size(d.resolve(LIB));
        Path sentinel = Files.writeString(d.resolve("sentinel"), "still here");

        assertEquals(d, NativeLibraries.unpack(cache).orElseThrow());
        assertTrue(Files.exists(sentinel), "a complete folder is reused as it is");

        Files.write(d.resolve(LIB), new byte[] {1, 2, 3}); // as if a copy had been cut short
        assertEquals(d, NativeLibraries.unpack(cache).orElseThrow());
        assertEquals(size, Files.size(d.resolve(LIB)), "a damaged folder is unpacked again");
        assertFalse(Files.exists(sentinel));

        Files.delete(d.resolve(NativeLibraries.MARKER)); // as if the process had died before finishing
        assertEquals(d, NativeLibraries.unpack(cache).orElseThrow());
        assertTrue(Files.isRegularFile(d.resolve(NativeLibraries.MARKER)));
    }

    @Test
    void anUnwritableCacheLeavesOnnxRuntimeToItself() throws IOException {
        Path file = Files.writeString(cache.resolve("not-a-folder"), "x");
        assertEquals(Optional.empty(), NativeLibraries.unpack(file));
    }

    /** In a fresh JVM, ONNX Runtime loads its library from the cache once prepared. */
    @Test
    void onnxRuntimeLoadsFromThePreparedFolder() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Paths.get("/proc/self/maps")),
                "needs /proc/self/maps (Linux) to see where the library was loaded from");
        String first = startup(cache.resolve("genloom-cache").toString());
        Path dir = NativeLibraries.unpack(cache.resolve("genloom-cache")).orElseThrow();
        assertTrue(first.contains("loaded=" + dir.resolve(LIB)), first);
        long stamp = Files.getLastModifiedTime(dir.resolve(NativeLibraries.MARKER)).toMillis();

        String second = startup(cache.resolve("genloom-cache").toString());
        assertTrue(second.contains("loaded=" + dir.resolve(LIB)), second);
        assertEquals(stamp, Files.getLastModifiedTime(dir.resolve(NativeLibraries.MARKER)).toMillis());
        assertFalse(second.contains("Unpacked"), "the second start reuses the folder: " + second);

        String cold = startup(null);
        assertFalse(cold.contains("loaded=" + dir), cold);
    }

    private String startup(String cacheDir) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-cp",
                System.getProperty("java.class.path"), NativeStartup.class.getName()));
        if (cacheDir != null) {
            cmd.add(cacheDir);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        pb.environment().put("HOME", cache.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
