package dev.genloom.runtime.plugins;

import java.nio.file.Path;
import java.util.List;

/**
 * A plugin the host has started, for listings.
 *
 * @param id          the plugin id ({@code classpath} for the families found on the class path)
 * @param version     the plugin version
 * @param description one line from the plugin's manifest, or empty
 * @param path        the jar, zip or folder it was loaded from; {@code null} for the class path
 * @param families    the names of the families it provides that the host accepted
 */
public record PluginSummary(String id, String version, String description, Path path, List<String> families) {

    public PluginSummary {
        families = List.copyOf(families);
    }
}
