package dev.genloom.runtime.plugins;

import dev.genloom.api.GenloomVersion;
import dev.genloom.runtime.plugins.HostPluginManager.Refusal;
import dev.genloom.spi.ModelFamily;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The plugin host: loads the PF4J plugins (jars, zips, expanded plugin folders) of one or more
 * plugins folders, and optionally the families on the application class path, starts them, and
 * creates every {@link ModelFamily} they provide.
 *
 * <p>A plugin that cannot be used is reported as a {@link PluginProblem} (logged once at WARN and
 * listed by {@link #problems()}) and skipped; the others keep working. The constructor never
 * throws for a broken plugin: an unreadable or corrupt jar, one without a plugin descriptor, two
 * plugins with one id, a plugin whose {@code Plugin-Requires} range leaves out this host's Genloom
 * version ({@link GenloomVersion}), a plugin that fails to start, a family whose class cannot be created or
 * whose {@code name()} fails, and a family whose name another family already has (the first one
 * met keeps the name) are each one problem.
 *
 * <p>Order: plugins folder by folder in the order given, by file name within a folder, then the
 * class path; a plugin's families by class name. Where two families share a name, the first met
 * wins.
 *
 * <p>Each plugin gets its own class loader (see {@code HostPluginClassLoader}): its own classes
 * and libraries win, except Genloom's API and SPI, ONNX Runtime, DJL, JavaCV, Jackson, SLF4J,
 * PF4J and {@code java.}/{@code javax.}, which come from the host, so the families' interface is
 * the host's {@link ModelFamily} even where a plugin bundles a copy of it.
 *
 * <p>{@link #close()} stops and unloads the plugins and closes their class loaders (and with
 * them the plugin jars). The queries are safe from several threads; after close they are empty.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    private final HostPluginManager manager;
    private final List<PluginProblem> problems = new ArrayList<>();
    private final Map<String, LoadedFamily> families = new LinkedHashMap<>();
    private final Map<String, Path> sources = new LinkedHashMap<>();
    private volatile List<PluginSummary> summaries = List.of();
    private volatile List<LoadedFamily> familyList = List.of();
    private volatile List<PluginProblem> problemList = List.of();
    private boolean closed;

    /**
     * Loads and starts the plugins of the given folders.
     *
     * @param pluginFolders     folders to look for plugins in; a folder that does not exist adds
     *                          nothing
     * @param includeClasspath  also take the families on the application class path (PF4J
     *                          system extensions: {@code @Extension} classes listed in a
     *                          {@code META-INF/extensions.idx}), with plugin id
     *                          {@link LoadedFamily#CLASSPATH}
     */
    public PluginHost(List<Path> pluginFolders, boolean includeClasspath) {
        this(pluginFolders, includeClasspath, GenloomVersion.current());
    }

    /** A host that takes itself for this Genloom version when it checks {@code Plugin-Requires} (for tests). */
    PluginHost(List<Path> pluginFolders, boolean includeClasspath, String hostVersion) {
        Objects.requireNonNull(pluginFolders, "pluginFolders");
        List<Path> roots = new ArrayList<>();
        for (Path folder : pluginFolders) {
            Path normal = Objects.requireNonNull(folder, "a plugins folder is null").toAbsolutePath().normalize();
            if (!roots.contains(normal)) {
                roots.add(normal);
            }
            if (!Files.isDirectory(normal)) {
                log.debug("Plugins folder {} does not exist; nothing loaded from it", normal);
            }
        }
        this.manager = new HostPluginManager(roots, hostVersion);
        manager.extensionFinder().useClasspath(includeClasspath ? PluginHost.class.getClassLoader() : null);

        try {
            loadPlugins();
            startPlugins();
            createFamilies(includeClasspath);
        } catch (RuntimeException | LinkageError unexpected) {
            // a failure outside any one plugin: report it rather than lose the plugins that loaded
            report("plugin host", "stopped loading plugins early (" + Problems.describe(unexpected)
                    + "); this is a bug in the host, please report it", unexpected);
        }
        publish();
    }

    /** Loads the plugins of one or more folders, without families from the class path. */
    public static PluginHost of(Path... pluginFolders) {
        return new PluginHost(List.of(pluginFolders), false);
    }

    // ------------------------------------------------------------------------------ queries

    /** The families the host accepted, in the order met. */
    public List<LoadedFamily> families() {
        return familyList;
    }

    /** The family of this name. */
    public Optional<LoadedFamily> family(String name) {
        for (LoadedFamily family : familyList) {
            if (family.name().equals(name)) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }

    /** The started plugins, and the class path where it provided families. */
    public List<PluginSummary> plugins() {
        return summaries;
    }

    /** What could not be used, in the order met. */
    public List<PluginProblem> problems() {
        return problemList;
    }

    // ------------------------------------------------------------------------------ loading

    private void loadPlugins() {
        for (Path candidate : manager.candidates()) {
            try {
                PluginWrapper wrapper = manager.loadOne(candidate);
                sources.put(wrapper.getPluginId(), candidate);
                log.debug("Loaded plugin '{}' from {}", wrapper.getPluginId(), candidate);
            } catch (Refusal refusal) {
                report(candidate.toString(), refusal.getMessage(), refusal.getCause());
            } catch (RuntimeException | LinkageError e) {
                report(candidate.toString(), "cannot be loaded as a plugin (" + Problems.describe(e)
                        + "); rebuild it, or remove it from the plugins folder", e);
            }
        }
        try {
            manager.resolveAll();
        } catch (Refusal refusal) {
            for (PluginWrapper wrapper : manager.getUnresolvedPlugins()) {
                report(wrapper.getPluginId(), refusal.getMessage(), refusal.getCause());
            }
        }
        // PF4J unloads the plugins whose required dependencies are missing
        for (Map.Entry<String, Path> loaded : new ArrayList<>(sources.entrySet())) {
            if (manager.getPlugin(loaded.getKey()) == null) {
                sources.remove(loaded.getKey());
                report(loaded.getKey(), "was not started: a plugin it requires (Plugin-Dependencies) is missing "
                        + "or has the wrong version; add that plugin to the plugins folder", null);
            }
        }
    }

    private void startPlugins() {
        for (PluginWrapper wrapper : new ArrayList<>(manager.getResolvedPlugins())) {
            try {
                manager.startOne(wrapper);
                log.debug("Started plugin '{}'", wrapper.getPluginId());
            } catch (Refusal refusal) {
                report(wrapper.getPluginId(), refusal.getMessage(), refusal.getCause());
                // release its jar now; plugins that require it are refused in turn
                Throwable failure = manager.discard(wrapper);
                if (failure != null) {
                    log.debug("Unloading plugin '{}' failed", wrapper.getPluginId(), failure);
                }
            }
        }
    }

    private void createFamilies(boolean includeClasspath) {
        List<PluginSummary> list = new ArrayList<>();
        for (PluginWrapper wrapper : manager.getStartedPlugins()) {
            String id = wrapper.getPluginId();
            List<String> names = createFamilies(id, id, wrapper.getPluginClassLoader());
            PluginDescriptor descriptor = wrapper.getDescriptor();
            list.add(new PluginSummary(id, descriptor.getVersion(), Objects.toString(descriptor.getPluginDescription(), ""),
                    sources.getOrDefault(id, wrapper.getPluginPath()), names));
        }
        if (includeClasspath) {
            // PF4J keeps the class path's extensions under the plugin id null
            List<String> names = createFamilies(LoadedFamily.CLASSPATH, null, PluginHost.class.getClassLoader());
            if (!names.isEmpty()) {
                String version = Objects.toString(PluginHost.class.getPackage().getImplementationVersion(), "");
                list.add(new PluginSummary(LoadedFamily.CLASSPATH, version,
                        "Families found on the application class path", null, names));
            }
        }
        summaries = List.copyOf(list);
    }

    /** Creates the families of one plugin (or the class path), one by one; returns the accepted names. */
    private List<String> createFamilies(String pluginId, String finderKey, ClassLoader loader) {
        List<String> accepted = new ArrayList<>();
        for (String className : manager.getExtensionClassNames(finderKey)) {
            ModelFamily family = createFamily(pluginId, className, loader);
            if (family == null) {
                continue;
            }
            String name = familyName(pluginId, className, family, loader);
            if (name == null) {
                continue;
            }
            LoadedFamily existing = families.get(name);
            if (existing != null) {
                report(pluginId, "provides a family named '" + name + "' (" + className + "), but plugin '"
                        + existing.pluginId() + "' already provides one (" + existing.family().getClass().getName()
                        + "); this one is refused. Remove one of the two plugins, or rename one family", null);
                continue;
            }
            families.put(name, new LoadedFamily(pluginId, family));
            accepted.add(name);
            log.debug("Family '{}' ({}) from plugin '{}'", name, className, pluginId);
        }
        return accepted;
    }

    private ModelFamily createFamily(String pluginId, String className, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            report(pluginId, "lists the extension " + className + ", which cannot be loaded (" + Problems.describe(e)
                    + "); the plugin's META-INF/extensions.idx or its classes are out of date: rebuild it", e);
            return null;
        }
        if (!ModelFamily.class.isAssignableFrom(type)) {
            if (implementsForeignModelFamily(type)) {
                report(pluginId, "has the family " + className + " implementing a copy of "
                        + ModelFamily.class.getName() + " that is not the host's; the plugin must take the API "
                        + "from the host (declare genloom-api 'provided')", null);
            } else {
                log.debug("Extension {} of plugin '{}' is not a model family; ignored", className, pluginId);
            }
            return null;
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            report(pluginId, "lists the family " + className + ", which is abstract; only concrete classes "
                    + "can be @Extension", null);
            return null;
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            if (!Modifier.isPublic(constructor.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
                constructor.setAccessible(true);
            }
            return (ModelFamily) constructor.newInstance();
        } catch (NoSuchMethodException e) {
            report(pluginId, "has the family " + className + " without a constructor taking no arguments; "
                    + "add a public no-argument constructor", e);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            report(pluginId, "has the family " + className + " whose creation failed (" + Problems.describe(e)
                    + "); a family's constructor must be cheap and must not fail: fix the plugin or remove it", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        return null;
    }

    private String familyName(String pluginId, String className, ModelFamily family, ClassLoader loader) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            String name = family.name();
            if (name == null || name.isBlank()) {
                report(pluginId, "has the family " + className + " whose name() is empty; every family needs "
                        + "a unique name", null);
                return null;
            }
            return name;
        } catch (RuntimeException | LinkageError e) {
            report(pluginId, "has the family " + className + " whose name() failed (" + Problems.describe(e)
                    + "); fix the plugin or remove it", e);
            return null;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static boolean implementsForeignModelFamily(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(ModelFamily.class.getName()) && i != ModelFamily.class) {
                    return true;
                }
            }
        }
        return false;
    }

    private void report(String source, String reason, Throwable cause) {
        PluginProblem problem = new PluginProblem(source, reason);
        problems.add(problem);
        log.warn("Plugin problem: {}", problem);
        if (cause != null) {
            log.debug("Cause of the problem with {}", source, cause);
        }
    }

    private void publish() {
        familyList = List.copyOf(families.values());
        problemList = List.copyOf(problems);
    }

    // ------------------------------------------------------------------------------ closing

    /**
     * Stops the plugins (in reverse order of start), unloads them and closes their class loaders.
     * Failures of a plugin's {@code stop()} are logged; closing goes on. Calling it again does
     * nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        familyList = List.of();
        summaries = List.of();
        families.clear();
        List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
        Collections.reverse(started);
        for (PluginWrapper wrapper : started) {
            Throwable failure = manager.stopOne(wrapper);
            if (failure != null) {
                log.warn("Plugin '{}' failed to stop ({}); unloading it anyway", wrapper.getPluginId(),
                        Problems.describe(failure));
                log.debug("Cause", failure);
            }
        }
        for (Throwable failure : manager.unloadAll()) {
            log.warn("Unloading a plugin failed: {}", Problems.describe(failure));
            log.debug("Cause", failure);
        }
        log.debug("Plugin host closed");
    }

    /** Whether a plugin is started (for tests and listings). */
    boolean isStarted(String pluginId) {
        PluginWrapper wrapper = manager.getPlugin(pluginId);
        return wrapper != null && wrapper.getPluginState() == PluginState.STARTED;
    }

    /** The class loader of a loaded plugin, or {@code null} (for tests). */
    ClassLoader classLoaderOf(String pluginId) {
        PluginWrapper wrapper = manager.getPlugin(pluginId);
        return wrapper == null ? null : wrapper.getPluginClassLoader();
    }
}
