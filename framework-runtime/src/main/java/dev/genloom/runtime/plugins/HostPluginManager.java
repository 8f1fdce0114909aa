package dev.genloom.runtime.plugins;

import dev.genloom.api.GenloomVersion;
import org.pf4j.BasePluginRepository;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.CompoundPluginRepository;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DependencyResolver;
import org.pf4j.ExtensionFinder;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginRepository;
import org.pf4j.Plugin;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginState;
import org.pf4j.PluginStateEvent;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;
import org.pf4j.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PF4J's {@link DefaultPluginManager} with the parts the host needs replaced through its
 * {@code createX()} methods: jar and zip repositories over several roots, the host's class
 * loader, a manifest descriptor finder with clear errors, a plugin factory that says why it
 * failed, and an extension finder that keeps the class path and each plugin apart.
 *
 * <p>Loading and starting go one plugin at a time through {@link #loadOne} and {@link #startOne},
 * which throw {@link Refusal} with a reason for people; the {@link PluginHost} turns those into
 * problems. PF4J's {@code loadPlugins()} and {@code startPlugins()} are not used: they catch only
 * some failures and only log them.
 *
 * <p>PF4J's system version is the Genloom API's ({@link GenloomVersion}) without its pre-release
 * and build parts, so that a {@code 0.1.0-SNAPSHOT} host counts as the {@code 0.1.0} it leads to
 * (semantic versioning puts a pre-release before its release, and PF4J's range expressions cannot
 * name one). A plugin whose {@code Plugin-Requires} range leaves the host out is refused before
 * its class loader is made, naming both versions.
 *
 * <p>The {@code createX()} methods run inside PF4J's constructor, before this class's fields are
 * assigned, so they use nothing but their arguments and PF4J's own fields.
 */
final class HostPluginManager extends DefaultPluginManager {

    private static final Logger log = LoggerFactory.getLogger(HostPluginManager.class);

    /** {@code major.minor.patch} at the start of a version, before {@code -pre-release} or {@code +build}. */
    private static final Pattern RELEASE = Pattern.compile("^(\\d+\\.\\d+\\.\\d+)(?:[-+].*)?$");

    /** An exact version in {@code Plugin-Requires}, which PF4J reads as a minimum. */
    private static final Pattern EXACT = Pattern.compile("^\\d+\\.\\d+\\.\\d+$");

    /** PF4J's system version that turns the version checks off. */
    private static final String NO_VERSION = "0.0.0";

    /** A plugin the manager refused, with the reason for people. */
    static final class Refusal extends RuntimeException {
        Refusal(String reason, Throwable cause) {
            super(reason, cause);
        }

        Refusal(String reason) {
            super(reason);
        }
    }

    private final String hostVersion;

    /** A manager for a host of this Genloom version, as built ({@link GenloomVersion#current()}; tests play others). */
    HostPluginManager(List<Path> pluginsRoots, String hostVersion) {
        super(pluginsRoots);
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
        this.hostVersion = hostVersion;
        Matcher release = RELEASE.matcher(hostVersion);
        if (release.matches()) {
            setSystemVersion(release.group(1));
        } else {
            // classes built without Maven: PF4J's 0.0.0 accepts every plugin
            setSystemVersion(NO_VERSION);
            log.debug("Genloom's version is {}: plugins' Plugin-Requires are not checked", hostVersion);
        }
    }

    // ---------------------------------------------------------------- PF4J's parts, replaced

    /** No implicit roots: no {@code pf4j.pluginsDir}, no {@code ./plugins}. */
    @Override
    protected List<Path> createPluginsRoot() {
        return Collections.emptyList();
    }

    /** Always deployment mode: {@code pf4j.mode=development} would switch to source folders. */
    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    /**
     * Jars ({@code *.jar}), zips ({@code *.zip}, expanded beside themselves when loaded, as PF4J
     * does, once every entry is known to stay inside that folder) and expanded plugin folders
     * that have no zip beside them.
     */
    @Override
    protected PluginRepository createPluginRepository() {
        List<Path> roots = getPluginsRoots();
        return new CompoundPluginRepository()
                .add(new JarPluginRepository(roots))
                .add(new BasePluginRepository(roots, HostPluginManager::isZipOrPluginFolder));
    }

    private static boolean isZipOrPluginFolder(File file) {
        if (file.isHidden() || file.getName().startsWith(".")) {
            return false;
        }
        if (file.isFile()) {
            return FileUtils.isZipFile(file.toPath());
        }
        if (file.isDirectory()) {
            // the expanded copy of a zip is loaded through its zip
            for (String ending : new String[] {".zip", ".ZIP", ".Zip"}) {
                if (new File(file.getParentFile(), file.getName() + ending).isFile()) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    protected PluginLoader createPluginLoader() {
        ClassLoader host = PluginHost.class.getClassLoader();
        return new CompoundPluginLoader()
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new HostPluginClassLoader(pluginManager, descriptor, host);
                    }
                })
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new HostPluginClassLoader(pluginManager, descriptor, host);
                    }
                });
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new ManifestDescriptorFinder();
    }

    @Override
    protected ExtensionFinder createExtensionFinder() {
        HostExtensionFinder finder = new HostExtensionFinder(this);
        addPluginStateListener(finder);
        return finder;
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return new HostPluginFactory();
    }

    /** Every plugin found is enabled: the host keeps no enabled.txt / disabled.txt. */
    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
        return new PluginStatusProvider() {
            @Override
            public boolean isPluginDisabled(String pluginId) {
                return false;
            }

            @Override
            public void disablePlugin(String pluginId) {
                throw new UnsupportedOperationException("the Genloom plugin host does not disable plugins");
            }

            @Override
            public void enablePlugin(String pluginId) {
            }
        };
    }

    HostExtensionFinder extensionFinder() {
        return (HostExtensionFinder) extensionFinder;
    }

    // ---------------------------------------------------------------- one plugin at a time

    /** The candidate plugin files and folders of all roots, root by root, by name. */
    List<Path> candidates() {
        List<Path> roots = getPluginsRoots();
        List<Path> found = new ArrayList<>();
        for (Path path : pluginRepository.getPluginPaths()) {
            Path normal = path.toAbsolutePath().normalize();
            if (!found.contains(normal)) {
                found.add(normal);
            }
        }
        found.sort((a, b) -> {
            int byRoot = Integer.compare(rootIndex(roots, a), rootIndex(roots, b));
            return byRoot != 0 ? byRoot : a.getFileName().toString().compareTo(b.getFileName().toString());
        });
        return found;
    }

    private static int rootIndex(List<Path> roots, Path path) {
        Path parent = path.getParent();
        for (int i = 0; i < roots.size(); i++) {
            if (roots.get(i).toAbsolutePath().normalize().equals(parent)) {
                return i;
            }
        }
        return roots.size();
    }

    /**
     * Loads one plugin (jar, zip or folder) without starting it.
     *
     * @throws Refusal where it is not a usable plugin
     */
    PluginWrapper loadOne(Path path) {
        Path pluginPath = path;
        if (FileUtils.isZipFile(path)) {
            Path expanded = expansionOf(path);
            try (ZipFile zip = new ZipFile(path.toFile())) {
                if (zip.size() == 0) {
                    throw new Refusal("is an empty zip; a plugin zip holds classes/ (with "
                            + "META-INF/MANIFEST.MF) and lib/. Rebuild it, or remove it from the plugins folder");
                }
                // PF4J checks each entry as it writes it, leaving the entries before a bad one behind
                String outside = entryOutside(zip, expanded);
                if (outside != null) {
                    throw new Refusal("has an entry outside its folder ('" + outside + "'), which could write "
                            + "anywhere; nothing of it was expanded. Rebuild it with paths inside the zip, or remove it "
                            + "from the plugins folder");
                }
            } catch (IOException e) {
                throw new Refusal("is not a readable zip (" + Problems.describe(e) + "); rebuild or download "
                        + "it again, or remove it from the plugins folder", e);
            }
            try {
                pluginPath = FileUtils.expandIfZip(path);
            } catch (IOException e) {
                removeExpansion(expanded);
                throw new Refusal("could not be expanded beside itself (" + Problems.describe(e)
                        + "); the plugins folder must be writable for zip plugins, or unpack it there yourself", e);
            }
        }

        PluginDescriptor descriptor = getPluginDescriptorFinder().find(pluginPath);
        if (LoadedFamily.CLASSPATH.equals(descriptor.getPluginId())) {
            throw new Refusal("has the plugin id '" + LoadedFamily.CLASSPATH + "', which the host keeps for the "
                    + "families on the application class path; give the plugin another Plugin-Id");
        }
        String unmet = unmetRequirement(descriptor);
        if (unmet != null) {
            throw new Refusal(unmet);
        }
        PluginWrapper other = getPlugin(descriptor.getPluginId());
        if (other != null) {
            throw new Refusal("has the plugin id '" + descriptor.getPluginId() + "', which the plugin at "
                    + other.getPluginPath() + " already has; only that one is loaded. Remove one of the two, "
                    + "or give them different Plugin-Id values");
        }
        return loadPluginFromPath(pluginPath);
    }

    /** Where PF4J expands a zip: beside it, named as the zip without its extension. */
    static Path expansionOf(Path zip) {
        String name = zip.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return zip.toAbsolutePath().normalize().resolveSibling(dot > 0 ? name.substring(0, dot) : name + ".expanded");
    }

    /**
     * The first entry of a zip that would land outside {@code into} once expanded (an absolute
     * name, or one that climbs out with {@code ..}), or {@code null} where every entry stays inside.
     */
    static String entryOutside(ZipFile zip, Path into) {
        Path root = into.toAbsolutePath().normalize();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            try {
                Path target = root.resolve(name).normalize();
                if (!target.startsWith(root)) {
                    return name;
                }
            } catch (InvalidPathException e) {
                return name;
            }
        }
        return null;
    }

    /** Deletes what an expansion that failed left of a zip's folder (a copy of the zip's content, nothing else). */
    private static void removeExpansion(Path expanded) {
        if (!Files.isDirectory(expanded, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(expanded)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.debug("Could not remove the partial expansion {}", expanded, e);
        }
    }

    /** PF4J's own check, the same as {@link #loadOne}'s (which refuses such a plugin earlier). */
    @Override
    protected boolean isPluginValid(PluginWrapper pluginWrapper) {
        return unmetRequirement(pluginWrapper.getDescriptor()) == null;
    }

    /**
     * Why a plugin's {@code Plugin-Requires} leaves this host out, or {@code null} where it
     * accepts it (or says nothing, or {@code *}). An exact version is a minimum, as in PF4J.
     */
    private String unmetRequirement(PluginDescriptor descriptor) {
        String requires = descriptor.getRequires() == null ? "" : descriptor.getRequires().trim();
        if (requires.isEmpty() || "*".equals(requires) || NO_VERSION.equals(getSystemVersion())) {
            return null;
        }
        String range = !isExactVersionAllowed() && EXACT.matcher(requires).matches() ? ">=" + requires : requires;
        String plugin = "(plugin '" + descriptor.getPluginId() + "' " + descriptor.getVersion() + ")";
        boolean accepted;
        try {
            accepted = getVersionManager().checkVersionConstraint(getSystemVersion(), range);
        } catch (RuntimeException e) {
            return plugin + " has Plugin-Requires '" + requires + "', which is not a version range ("
                    + Problems.describe(e) + "); write one such as '>=" + getSystemVersion() + "', '>=0.1.0 & <0.2.0' "
                    + "or '*' in its manifest, and rebuild it";
        }
        if (accepted) {
            return null;
        }
        String system = getSystemVersion();
        String counted = system.equals(hostVersion) ? "" : " (checked as " + system + ")";
        String series = system.substring(0, system.lastIndexOf('.')) + ".x";
        return plugin + " requires Genloom " + requires + " (Plugin-Requires), but this host is Genloom " + hostVersion
                + counted + "; use a build of the plugin made for Genloom " + series
                + ", or a Genloom version that the plugin accepts";
    }

    /**
     * Resolves the loaded plugins' dependencies. Plugins whose required dependencies are missing
     * or of the wrong version are unloaded by PF4J; the caller finds them missing afterwards.
     *
     * @throws Refusal for a dependency cycle (nothing is resolved then)
     */
    void resolveAll() {
        try {
            resolvePlugins();
        } catch (DependencyResolver.CyclicDependencyException e) {
            throw new Refusal("the plugins depend on each other in a cycle (Plugin-Dependencies); "
                    + "break the cycle", e);
        }
    }

    /**
     * Starts one resolved plugin: creates its {@code Plugin-Class} and calls {@code start()}.
     * Its required dependencies must have started before.
     *
     * @throws Refusal where it did not start; the plugin is left FAILED
     */
    void startOne(PluginWrapper wrapper) {
        PluginState before = wrapper.getPluginState();
        try {
            for (PluginDependency dependency : wrapper.getDescriptor().getDependencies()) {
                PluginWrapper needed = getPlugin(dependency.getPluginId());
                boolean started = needed != null && needed.getPluginState() == PluginState.STARTED;
                if (!started && !dependency.isOptional()) {
                    throw new Refusal("was not started: the plugin '" + dependency.getPluginId()
                            + "' it requires did not start; fix that one first");
                }
            }
            Plugin plugin = wrapper.getPlugin();
            plugin.start();
            wrapper.setPluginState(PluginState.STARTED);
            wrapper.setFailedException(null);
            startedPlugins.add(wrapper);
        } catch (Refusal e) {
            wrapper.setPluginState(PluginState.FAILED);
            wrapper.setFailedException(e);
            throw e;
        } catch (Exception | LinkageError e) {
            wrapper.setPluginState(PluginState.FAILED);
            wrapper.setFailedException(e);
            throw new Refusal("failed to start (" + Problems.describe(e) + "); its families are not "
                    + "available. Fix the plugin's start(), or remove it", e);
        } finally {
            firePluginStateEvent(new PluginStateEvent(this, wrapper, before));
        }
    }

    /**
     * Stops a started plugin, whatever {@code stop()} throws (PF4J lets all but its own
     * exceptions through).
     *
     * @return the failure of {@code stop()}, or {@code null}
     */
    Throwable stopOne(PluginWrapper wrapper) {
        if (wrapper.getPluginState() != PluginState.STARTED) {
            return null;
        }
        PluginState before = wrapper.getPluginState();
        Throwable failure = null;
        try {
            wrapper.getPlugin().stop();
        } catch (Exception | LinkageError e) {
            failure = e;
        }
        wrapper.setPluginState(PluginState.STOPPED);
        startedPlugins.remove(wrapper);
        firePluginStateEvent(new PluginStateEvent(this, wrapper, before));
        return failure;
    }

    /**
     * Unloads one plugin that will not be used (it did not start) and closes its class loader.
     *
     * @return what went wrong, or {@code null}
     */
    Throwable discard(PluginWrapper wrapper) {
        Throwable failure = null;
        try {
            unloadPlugin(wrapper.getPluginId(), false, false);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (wrapper.getPluginClassLoader() instanceof PluginClassLoader loader && !loader.isClosed()) {
            try {
                loader.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        return failure;
    }

    /** Unloads every plugin, resolved or not, closing its class loader. */
    List<Throwable> unloadAll() {
        List<Throwable> failures = new ArrayList<>();
        for (PluginWrapper wrapper : new ArrayList<>(plugins.values())) {
            Throwable failure = discard(wrapper);
            if (failure != null) {
                failures.add(failure);
            }
        }
        return failures;
    }
}
