package dev.genloom.runtime.plugins;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.IndexedExtensionFinder;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin: its own classes and libraries first, so that a plugin's copy
 * of a library wins over the host's, except for what the host shares with plugins, which always
 * comes from the host.
 *
 * <p>Shared with the host, parent first: Genloom's API and SPI, ONNX Runtime, DJL, JavaCV
 * (native code binds to one class loader), Jackson and SLF4J (values and logging cross the
 * boundary), and, as PF4J does, {@code java.}, {@code javax.} and {@code org.pf4j.}.
 *
 * <p>For {@code dev.genloom.} the host is the only source: a plugin that bundles its own copy of
 * an API class still gets the host's, and a class the host lacks (a plugin built for a newer
 * Genloom) is not found rather than defined a second time. For the other shared packages a class
 * the host lacks is looked for in the plugin.
 *
 * <p>Each plugin's {@code META-INF/extensions.idx} is read from the plugin alone; PF4J's own
 * loader falls back to the application's index when a plugin has none, which would attribute
 * the application's extensions to the plugin.
 */
final class HostPluginClassLoader extends PluginClassLoader {

    /** Packages whose classes always come from the host. */
    static final List<String> HOST_ONLY = List.of("dev.genloom.api.", "dev.genloom.spi.");

    /** Packages looked for in the host first, then in the plugin. */
    static final List<String> HOST_FIRST = List.of(
            "ai.onnxruntime.", "ai.djl.", "org.bytedeco.", "com.fasterxml.jackson.", "org.slf4j.", "javax.");

    private static final String INDEX = IndexedExtensionFinder.EXTENSIONS_RESOURCE;

    static {
        ClassLoader.registerAsParallelCapable();
    }

    HostPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (startsWithAny(className, HOST_ONLY)) {
            return getParent().loadClass(className);
        }
        if (startsWithAny(className, HOST_FIRST)) {
            synchronized (getClassLoadingLock(className)) {
                try {
                    return getParent().loadClass(className);
                } catch (ClassNotFoundException notInHost) {
                    Class<?> loaded = findLoadedClass(className);
                    return loaded != null ? loaded : findClass(className);
                }
            }
        }
        // java., org.pf4j. (parent) and everything else (plugin, then dependencies, then host)
        return super.loadClass(className);
    }

    @Override
    public URL getResource(String name) {
        if (INDEX.equals(name)) {
            return findResource(name);
        }
        String asClass = name.replace('/', '.');
        if (startsWithAny(asClass, HOST_ONLY) || startsWithAny(asClass, HOST_FIRST)) {
            URL url = getParent().getResource(name);
            return url != null || startsWithAny(asClass, HOST_ONLY) ? url : findResource(name);
        }
        return super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (INDEX.equals(name)) {
            return findResources(name);
        }
        return super.getResources(name);
    }

    /** The extension indexes in this plugin's own jars and folders, never the host's. */
    List<URL> ownExtensionIndexes() throws IOException {
        return new ArrayList<>(Collections.list(findResources(INDEX)));
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
