package dev.genloom.runtime.store;

import java.util.Objects;

/**
 * A family that recognised a model folder, and why.
 *
 * @param family   the family's name
 * @param pluginId the plugin that holds it
 * @param reason   the family's reason, in a few words
 */
public record Claimant(String family, String pluginId, String reason) {
    public Claimant {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return family + " (plugin " + pluginId + ": " + reason + ")";
    }
}
