package dev.genloom.runtime.plugins;

import dev.genloom.runtime.plugins.HostPluginManager.Refusal;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptor;
import org.pf4j.util.FileUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * PF4J's manifest descriptor finder with errors for people: an unreadable jar, a jar without a
 * manifest, and a manifest without {@code Plugin-Id} or {@code Plugin-Version} each get their own
 * message with what to do. (PF4J's finder fails with a {@code NullPointerException} on a jar
 * without a manifest, and its compound finder replaces every cause by "No PluginDescriptorFinder".)
 */
final class ManifestDescriptorFinder extends ManifestPluginDescriptorFinder {

    private static final String WHAT_A_PLUGIN_NEEDS =
            "a plugin's manifest needs Plugin-Id and Plugin-Version (and may have Plugin-Class, "
                    + "Plugin-Provider, Plugin-Description, Plugin-Dependencies)";

    @Override
    public PluginDescriptor find(Path pluginPath) {
        PluginDescriptor descriptor = super.find(pluginPath);
        if (descriptor.getPluginId() == null || descriptor.getPluginId().isBlank()) {
            throw new Refusal("has no Plugin-Id in its manifest, so it is not a plugin; " + WHAT_A_PLUGIN_NEEDS
                    + ". A library belongs inside a plugin zip's lib/ folder, not in the plugins folder");
        }
        if (descriptor.getVersion() == null || descriptor.getVersion().isBlank()) {
            throw new Refusal("(plugin '" + descriptor.getPluginId() + "') has no Plugin-Version in its manifest; "
                    + WHAT_A_PLUGIN_NEEDS);
        }
        return descriptor;
    }

    @Override
    protected Manifest readManifestFromJar(Path jarPath) {
        Manifest manifest;
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            manifest = jar.getManifest();
        } catch (IOException e) {
            throw new Refusal("is not a readable jar (" + Problems.describe(e) + "); rebuild or download it "
                    + "again, or remove it from the plugins folder", e);
        }
        if (manifest == null) {
            throw new Refusal("has no META-INF/MANIFEST.MF, so it is not a plugin; " + WHAT_A_PLUGIN_NEEDS);
        }
        return manifest;
    }

    @Override
    protected Manifest readManifestFromDirectory(Path pluginPath) {
        // PF4J's layout: classes/META-INF/MANIFEST.MF; PF4J also accepts one anywhere below
        Path manifestPath = pluginPath.resolve("classes/META-INF/MANIFEST.MF");
        if (!Files.isRegularFile(manifestPath)) {
            manifestPath = FileUtils.findFile(pluginPath, "MANIFEST.MF");
        }
        if (manifestPath == null) {
            throw new Refusal("has no classes/META-INF/MANIFEST.MF, so it is not a plugin (a plugin folder or "
                    + "zip holds classes/ with the manifest and lib/ with libraries); " + WHAT_A_PLUGIN_NEEDS);
        }
        try (InputStream in = Files.newInputStream(manifestPath)) {
            return new Manifest(in);
        } catch (IOException e) {
            throw new Refusal("has an unreadable manifest " + manifestPath + " (" + Problems.describe(e) + ")", e);
        }
    }
}
