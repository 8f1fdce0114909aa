package dev.genloom.runtime;

import dev.genloom.zoo.testkit.EchoExport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put the echo plugin jar, and echo model folders for tests. */
public final class EchoFixtures {
    private EchoFixtures() {
    }

    /** The folder holding genloom-plugin-echo.jar (copied there by the build). */
    public static Path folder() {
        String dir = System.getProperty("genloom.test.plugins");
        if (dir == null) {
            throw new IllegalStateException("system property genloom.test.plugins is not set; run the tests with Maven");
        }
        Path p = Path.of(dir);
        if (!Files.isRegularFile(p.resolve("genloom-plugin-echo.jar"))) {
            throw new IllegalStateException("no genloom-plugin-echo.jar in " + p + "; build with mvn package");
        }
        return p;
    }

    /** A models folder holding an echo model folder called {@code echo-tiny}. */
    public static Path modelsWithEcho(Path root) throws IOException {
        Path models = root.resolve("models");
        EchoExport.write(models.resolve("echo-tiny"));
        return models;
    }
}
