package dev.genloom.runtime.plugins;

import dev.genloom.spi.ModelFamily;

/**
 * A model family the host has loaded, and where it came from.
 *
 * @param pluginId the id of the plugin that holds it, or {@code classpath} for one found on the
 *                 application's class path
 * @param family   the family
 */
public record LoadedFamily(String pluginId, ModelFamily family) {
    public static final String CLASSPATH = "classpath";

    public String name() {
        return family.name();
    }
}
