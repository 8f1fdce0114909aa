package dev.genloom.runtime;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a product that depends on {@code dev.genloom:genloom-runtime} alone gets on its class path
 * (compile and runtime scope, transitively, as Maven resolved it for this module): the host and its
 * natives, but no CLI library, no progress bar, no logging binding and none of the test kit.
 */
class EmbeddingClassPathTest {

    static List<Path> productClassPath() throws IOException {
        String file = System.getProperty("genloom.product.class.path");
        assertTrue(file != null, "run with Maven: genloom.product.class.path names the resolved class path");
        String line = Files.readString(Path.of(file)).trim();
        return Arrays.stream(line.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    @Test
    void theHostsLibrariesAreThereAndNothingOfTheCliOrTheTestKit() throws IOException {
        List<Path> jars = productClassPath();
        List<String> names = jars.stream().map(p -> p.getFileName().toString()).toList();
        // a sibling module is its jar after `package`, its classes folder before
        String all = jars.toString().replace(File.separatorChar, '/');
        assertTrue(all.contains("genloom-api-") || all.contains("framework-api/target/classes"), all);
        assertTrue(all.contains("genloom-model-zoo-") || all.contains("model-zoo/catalog/target/classes"), all);
        for (String needed : new String[] {"onnxruntime-", "pf4j-", "slf4j-api-", "tokenizers-", "jackson-databind-",
                "javacv-"}) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(needed)), needed + " missing from " + names);
        }
        for (String banned : new String[] {"picocli-", "progressbar-", "slf4j-simple-", "logback-", "genloom-test-kit-",
                "genloom-cli-", "junit-"}) {
            assertFalse(names.stream().anyMatch(n -> n.startsWith(banned)), banned + " is on the product's class path: "
                    + names);
        }
        assertFalse(all.contains("test-kit/target") || all.contains("framework-cli/target"), all);
    }

    @Test
    void noJarOnItHoldsAnSlf4jBindingOrATestKitClass() throws IOException {
        for (Path jar : productClassPath()) {
            if (!Files.isRegularFile(jar)) {
                continue; // a sibling module's classes folder in a reactor build
            }
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                assertTrue(zip.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") == null,
                        jar + " binds SLF4J: a product's own logging would be overridden");
                assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("dev/genloom/zoo/testkit/")
                        || e.getName().startsWith("picocli/") || e.getName().startsWith("me/tongfei/")), jar.toString());
            }
        }
    }
}
