package dev.genloom.zoo.fetch;

import java.nio.file.Path;
import java.util.List;

/** Where files come from: the hub (or an HTTP mirror of it), or a folder laid out like it. */
interface FileSource {
    /** The base URL or folder, for messages. */
    String describe();

    /** Every file of a repository at a revision (for models that are not in the catalog). */
    List<RemoteFile> list(String repository, String revision);

    /**
     * Downloads one file into {@code part}, resuming from the bytes already there where it can.
     *
     * @return the SHA-256 the source states for the file (an LFS etag), or null
     */
    String download(String repository, String revision, RemoteFile file, Path part, FetchListener listener);
}
