package dev.genloom.runtime.tokenizer;

import dev.genloom.spi.Tokenizer;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Run in a fresh JVM by {@link DjlTokenizersTest}: DJL's first use happens while the thread's
 * context class loader sees nothing of the host, as inside a plugin.
 */
public final class ForeignLoaderProbe {
    private ForeignLoaderProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (URLClassLoader plugin = new URLClassLoader(new URL[0], null)) {
            Thread.currentThread().setContextClassLoader(plugin);
            try (Tokenizer t = new DjlTokenizers(Paths.get(args[2])).load(Paths.get(args[0]))) {
                System.out.println("ids=" + Arrays.toString(t.encode(args[1], false).ids()));
                System.out.println("same-loader=" + (Thread.currentThread().getContextClassLoader() == plugin));
            }
        }
    }
}
