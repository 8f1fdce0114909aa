package dev.genloom.runtime.plugins;

import org.pf4j.IndexedExtensionFinder;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;
import org.pf4j.processor.ExtensionStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the extension indexes ({@code META-INF/extensions.idx}, written by PF4J's annotation
 * processor) that the host asks for class names: each plugin's from that plugin's own jars and
 * folders only, and the application class path's only where the host was asked to take families
 * from the class path. Class names come back sorted, so families are met in a stable order.
 */
final class HostExtensionFinder extends IndexedExtensionFinder {

    private static final Logger log = LoggerFactory.getLogger(HostExtensionFinder.class);

    private volatile ClassLoader classpath;

    HostExtensionFinder(PluginManager manager) {
        super(manager);
    }

    /** Takes the class path's extensions from this loader; {@code null} for none. */
    void useClasspath(ClassLoader loader) {
        this.classpath = loader;
        entries = null;
    }

    @Override
    public Map<String, Set<String>> readClasspathStorages() {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        Set<String> names = new TreeSet<>();
        ClassLoader loader = classpath;
        if (loader != null) {
            try {
                for (URL url : Collections.list(loader.getResources(EXTENSIONS_RESOURCE))) {
                    read(url, names);
                }
            } catch (IOException e) {
                log.warn("Cannot read the class path's {}: {}", EXTENSIONS_RESOURCE, Problems.describe(e));
            }
        }
        result.put(null, names);
        return result;
    }

    @Override
    public Map<String, Set<String>> readPluginsStorages() {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        for (PluginWrapper plugin : pluginManager.getPlugins()) {
            Set<String> names = new TreeSet<>();
            if (plugin.getPluginClassLoader() instanceof HostPluginClassLoader loader) {
                try {
                    List<URL> indexes = loader.ownExtensionIndexes();
                    for (URL url : indexes) {
                        read(url, names);
                    }
                } catch (IOException e) {
                    log.warn("Cannot read {} of plugin '{}': {}", EXTENSIONS_RESOURCE, plugin.getPluginId(),
                            Problems.describe(e));
                }
            }
            result.put(plugin.getPluginId(), names);
        }
        return result;
    }

    private static void read(URL url, Set<String> names) throws IOException {
        URLConnection connection = url.openConnection();
        // a cached jar connection would keep the plugin's jar open after its loader is closed
        connection.setUseCaches(false);
        try (InputStream in = connection.getInputStream()) {
            ExtensionStorage.read(new InputStreamReader(in, StandardCharsets.UTF_8), names);
        }
    }
}
