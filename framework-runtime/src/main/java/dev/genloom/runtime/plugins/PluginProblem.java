package dev.genloom.runtime.plugins;

import java.util.Objects;

/**
 * A plugin, or one family in it, that the host could not use. The host reports it, skips it,
 * and keeps the other plugins working.
 *
 * @param source the plugin file or folder, or the plugin id where the plugin itself loaded
 *               ({@code classpath} for families found on the application class path)
 * @param reason what happened and what to do about it
 */
public record PluginProblem(String source, String reason) {

    public PluginProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return source + ": " + reason;
    }
}
