package dev.genloom.zoo.catalog;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Locale;

/**
 * One file of a catalog entry.
 *
 * @param path   the path inside the repository, with {@code /} separators ({@code onnx/model.onnx})
 * @param size   the size in bytes, where the catalog knows it
 * @param sha256 the SHA-256 of the content (64 lower-case hex digits), where the catalog knows it
 */
public record CatalogFile(String path, OptionalLong size, Optional<String> sha256) {
    public CatalogFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.map(s -> s.toLowerCase(Locale.ROOT));
    }

    /** A file whose size and checksum are not known. */
    public static CatalogFile of(String path) {
        return new CatalogFile(path, OptionalLong.empty(), Optional.empty());
    }
}
