package dev.genloom.search;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link SemanticIndex#add} did.
 *
 * @param files    each file read, in order
 * @param passages the passages the index holds now
 */
public record IndexReport(List<FileReport> files, int passages) {
    public IndexReport {
        files = List.copyOf(files);
    }

    /**
     * One file.
     *
     * @param source    the file (absolute)
     * @param passages  how many passages it has
     * @param unchanged whether it was indexed already with the same content, so nothing was embedded
     */
    public record FileReport(Path source, int passages, boolean unchanged) {
    }

    /** The passages embedded this time. */
    public int embedded() {
        return files.stream().filter(f -> !f.unchanged()).mapToInt(FileReport::passages).sum();
    }
}
