package dev.genloom.zoo.fetch;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on one model of the cache: a lock within this JVM (a {@link FileLock} is held
 * per process, so two threads must not both ask for it), then {@link FileChannel#lock()} on a lock
 * file for other processes. Lock files are left in place: deleting one while another process
 * waits on it would let a third one lock a new file beside it, and a holder cannot tell safely
 * whether the file at the path is still the one it locked (a {@link FileChannel} gives no file
 * identity, POSIX locks are dropped when any other descriptor of the file is closed, and Windows
 * will not delete a file another process has open). So that a fetch of a repository that does
 * not exist leaves none, the {@link Fetcher} takes the lock only once it has its plan: from the
 * catalog, or from the source's listing of the repository, which fails for one that is not there.
 */
final class FetchLock implements AutoCloseable {
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private FetchLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, telling the listener once where it has to wait. */
    static FetchLock acquire(Path lockFile, String repository, FetchListener listener) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        boolean told = false;
        if (!local.tryLock()) {
            listener.waiting(repository, key);
            told = true;
            local.lock();
        }
        FileChannel ch = null;
        try {
            Files.createDirectories(key.getParent());
            ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                if (!told) {
                    listener.waiting(repository, key);
                }
                l = ch.lock();
            }
            return new FetchLock(local, ch, l);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // reporting the first failure
                }
            }
            local.unlock();
            throw new GenloomException(ErrorKind.IO, "cannot lock " + key + " for fetching " + repository + ": " + e,
                    "check that the cache folder is writable", e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        } finally {
            local.unlock();
        }
    }
}
