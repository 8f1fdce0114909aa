package dev.genloom.zoo.fetch;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.Comparator;

/**
 * A folder laid out like the hub without revisions: {@code {dir}/{repo}/{path}}. The revision is
 * not looked at (a mirror holds one). Copies resume like downloads.
 */
final class MirrorSource implements FileSource {
    private final Path root;

    MirrorSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path repo(String repository) {
        Path dir = root.resolve(repository).normalize();
        if (!dir.startsWith(root)) {
            throw GenloomException.invalidInput("repository '" + repository + "' leads outside the mirror " + root);
        }
        return dir;
    }

    @Override
    public List<RemoteFile> list(String repository, String revision) {
        Path dir = repo(repository);
        if (!Files.isDirectory(dir)) {
            throw new HubSource.NotFound("no repository " + repository + " in the mirror folder " + root
                    + " (no folder " + dir + ")");
        }
        List<RemoteFile> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path rel = dir.relativize(p);
                boolean hidden = false;
                for (Path part : rel) {
                    hidden |= part.toString().startsWith(".");
                }
                if (!hidden && Files.isRegularFile(p)) {
                    out.add(new RemoteFile(rel.toString().replace('\\', '/'), Files.size(p), null));
                }
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot list " + dir + ": " + e.getMessage(), null, e);
        }
        out.sort(Comparator.comparing(RemoteFile::path));
        return out;
    }

    @Override
    public String download(String repository, String revision, RemoteFile file, Path part, FetchListener listener) {
        Path from = repo(repository).resolve(file.path()).normalize();
        if (!from.startsWith(repo(repository))) {
            throw GenloomException.invalidInput("path '" + file.path() + "' leads outside " + repository);
        }
        try {
            long size = Files.size(from);
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            if (have > size) {
                Files.delete(part);
                have = 0;
            }
            listener.fileStarted(file.path(), size, have);
            try (InputStream in = Files.newInputStream(from);
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                in.skipNBytes(have);
                byte[] buf = new byte[1 << 16];
                long done = have;
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    done += n;
                    listener.progress(file.path(), done, size);
                }
            }
            return null;
        } catch (NoSuchFileException e) {
            throw new HubSource.NotFound("repository " + repository + " has no file " + file.path()
                    + " in the mirror folder " + root + " (no file " + from + ")");
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.DOWNLOAD_FAILED, "cannot copy " + from + " from the mirror: "
                    + e.getMessage(), null, e);
        }
    }
}
