package dev.genloom.zoo.fetch;

import java.nio.file.Path;

/** Hears how a fetch goes; every method does nothing by default. Called from the fetching thread. */
public interface FetchListener {
    FetchListener NONE = new FetchListener() {
    };

    /** Another fetch of the same model holds the lock; this one waits for it. */
    default void waiting(String repository, Path lockFile) {
    }

    /**
     * What is to be downloaded, once, before the first file starts (not called where every file is
     * there already): the repository, how many files and their total size (-1 where a size is not
     * known), resumed bytes included.
     */
    default void downloading(String repository, int files, long bytes) {
    }

    /**
     * A file starts (or resumes) downloading.
     *
     * @param size        its size where known, else -1
     * @param resumedFrom the bytes already there from an earlier, interrupted attempt
     */
    default void fileStarted(String path, long size, long resumedFrom) {
    }

    /** Bytes of the file present so far (resumed bytes included), and its size or -1. */
    default void progress(String path, long done, long size) {
    }

    /** The file is complete and verified. */
    default void fileFinished(String path, long size) {
    }

    /** An attempt failed and the transfer is retried (resuming where it can). */
    default void retrying(String path, String why) {
    }
}
