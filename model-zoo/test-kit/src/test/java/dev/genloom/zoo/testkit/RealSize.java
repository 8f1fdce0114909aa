package dev.genloom.zoo.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The guard of the tests that write real-size models: skipped, saying why, where they would not fit. */
public final class RealSize {
    private RealSize() {
    }

    /**
     * Skips the calling test with {@code -Dgenloom.test.skipRealSize=true}, or where {@code dir} has
     * less than {@code bytes} plus 2 GB free.
     */
    public static void assumeRoom(Path dir, long bytes) throws IOException {
        Assumptions.assumeFalse(Boolean.getBoolean("genloom.test.skipRealSize"), "genloom.test.skipRealSize is set");
        long free = Files.getFileStore(dir).getUsableSpace();
        Assumptions.assumeTrue(free > bytes + (2L << 30), "only " + (free >> 20) + " MB free in " + dir + "; this test writes "
                + (bytes >> 20) + " MB and keeps a 2 GB margin");
    }
}
