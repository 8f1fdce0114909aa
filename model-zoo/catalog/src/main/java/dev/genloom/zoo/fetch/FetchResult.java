package dev.genloom.zoo.fetch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A fetched model.
 *
 * @param name       the catalog name, or the repository id where the model is not in the catalog
 * @param repository the hub repository id
 * @param revision   the revision fetched
 * @param dtype      the dtype variant fetched, or null where the files were taken without choosing one
 * @param folder     the model folder in the cache
 * @param files      its files
 * @param downloaded bytes transferred by this fetch (0 where everything was already there)
 * @param elapsed    how long the fetch took, waiting for another process included
 */
public record FetchResult(String name, String repository, String revision, String dtype, Path folder,
                          List<FetchedFile> files, long downloaded, Duration elapsed) {
    public FetchResult {
        files = List.copyOf(files);
    }

    /** The total size of the model's files. */
    public long bytes() {
        return files.stream().mapToLong(FetchedFile::size).sum();
    }

    /** Whether every file was already in the cache. */
    public boolean alreadyPresent() {
        return files.stream().noneMatch(FetchedFile::downloaded);
    }
}
