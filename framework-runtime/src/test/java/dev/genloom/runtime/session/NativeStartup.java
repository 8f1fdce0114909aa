package dev.genloom.runtime.session;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Times ONNX Runtime's start-up (to a ready {@link OrtEnvironment}) in a fresh JVM, with or
 * without {@link NativeLibraries#prepare(Path)}, and says where the native library was loaded
 * from. Run by {@link NativeLibrariesTest} and by hand:
 * {@code java -cp ... dev.genloom.runtime.session.NativeStartup [cacheDir]}.
 */
public final class NativeStartup {
    private NativeStartup() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        if (args.length > 0) {
            NativeLibraries.prepare(Paths.get(args[0]));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "startup");
        env.setTelemetry(false);
        long ready = System.nanoTime();
        System.out.printf("ready-ms=%.1f%n", (ready - start) / 1e6);
        System.out.println("version=" + env.getVersion());
        Path maps = Paths.get("/proc/self/maps");
        if (Files.isReadable(maps)) {
            Files.readAllLines(maps).stream()
                    .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.endsWith("/" + System.mapLibraryName("onnxruntime")))
                    .distinct()
                    .forEach(p -> System.out.println("loaded=" + p));
        }
    }
}
