package dev.genloom.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the Genloom API on the class path, as Maven built it ({@code 0.1.0-SNAPSHOT},
 * {@code 0.1.0}, ...). The plugin host compares it with each plugin's {@code Plugin-Requires}.
 *
 * <p>It is read once from {@code dev/genloom/api/genloom-version.properties}, which the build
 * fills in; classes compiled without Maven's resource filtering have no version:
 * {@link #current()} is then {@link #UNKNOWN}.
 */
public final class GenloomVersion {

    /** What {@link #current()} returns where the API's version cannot be read. */
    public static final String UNKNOWN = "unknown";

    private static final String RESOURCE = "genloom-version.properties";
    private static final String VERSION = read();

    private GenloomVersion() {
    }

    /** The API's version, e.g. {@code 0.1.0-SNAPSHOT}; {@link #UNKNOWN} where it cannot be read. */
    public static String current() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = GenloomVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").trim();
            // unfiltered (an IDE build): the placeholder itself
            return version.isEmpty() || version.contains("${") ? UNKNOWN : version;
        } catch (IOException | IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
