package dev.genloom.api.io;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Paths that are not readable files, and bytes that are not UTF-8, each said in words. */
class UserFilesTest {
    @TempDir
    Path tmp;

    static GenloomException refused(Runnable read, String... parts) {
        GenloomException e = assertThrows(GenloomException.class, read::run);
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), e.describe());
        for (String p : parts) {
            assertTrue(e.describe().contains(p), "no '" + p + "' in: " + e.describe());
        }
        assertFalse(e.describe().contains("Exception"), "Java internals in: " + e.describe());
        return e;
    }

    @Test
    void aReadableFileGivesItsSize() throws IOException {
        Path f = Files.writeString(tmp.resolve("a.txt"), "hello");
        assertEquals(5, UserFiles.requireFile(f, "text file"));
        assertEquals(5, UserFiles.requireNonEmptyFile(f, "text file", null));
    }

    @Test
    void missingDirectoryAndEmptyAreSaidSo() throws IOException {
        Path missing = tmp.resolve("nope.yaml");
        refused(() -> UserFiles.requireFile(missing, "pipeline file"), "pipeline file " + missing + " not found",
                "check the path");
        refused(() -> UserFiles.requireFile(tmp.resolve("no/such/dir/x.yaml"), "pipeline file"),
                "does not exist either");
        refused(() -> UserFiles.requireFile(tmp, "pipeline file"), tmp + " is a directory, not a file");
        Path empty = Files.createFile(tmp.resolve("empty.onnx"));
        refused(() -> UserFiles.requireNonEmptyFile(empty, "ONNX model file", "export it again"),
                "ONNX model file " + empty + " is empty (0 bytes)", "export it again");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        refused(() -> UserFiles.requireFolder(file, "plugins folder", null), file + " is a file, not a folder");
        refused(() -> UserFiles.requireFolder(tmp.resolve("gone"), "plugins folder", null), "does not exist");
        UserFiles.requireFolder(tmp, "plugins folder", null);
    }

    @Test
    void symbolicLinkLoopsAreCalledLoops() throws IOException {
        Path self = Files.createSymbolicLink(tmp.resolve("self.yaml"), Path.of("self.yaml"));
        refused(() -> UserFiles.requireFile(self, "pipeline file"), "symbolic link loop at " + self);
        assertEquals(Optional.of(self), UserFiles.linkLoop(self));

        // a -> b -> a, reached through a folder link
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createSymbolicLink(a, Path.of("b"));
        Files.createSymbolicLink(b, tmp.resolve("a"));
        Path inside = a.resolve("model.onnx");
        refused(() -> UserFiles.requireFile(inside, "ONNX model file"), "symbolic link loop at " + a);
        refused(() -> UserFiles.requireFolder(b, "models folder", null), "symbolic link loop at " + b);

        // links that lead somewhere are no loop, even through ..
        Path dir = Files.createDirectories(tmp.resolve("real/dir"));
        Path target = Files.writeString(dir.resolve("t.txt"), "x");
        Path up = Files.createSymbolicLink(tmp.resolve("up"), Path.of("real/dir/.."));
        assertEquals(Optional.empty(), UserFiles.linkLoop(up.resolve("dir/t.txt")));
        assertEquals(1, UserFiles.requireFile(up.resolve("dir/t.txt"), "text"));
        assertEquals(Optional.empty(), UserFiles.linkLoop(target));
    }

    @Test
    void aDanglingLinkSaysWhereItPoints() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("photo.png"), Path.of("gone.png"));
        refused(() -> UserFiles.requireFile(link, "image"), "is a symbolic link to gone.png, which does not exist");
    }

    @Test
    void ioErrorsBecomeWords() throws IOException {
        Path f = Files.writeString(tmp.resolve("secret.yaml"), "x: 1");
        GenloomException denied = UserFiles.unreadable(f, "pipeline file", new AccessDeniedException(f.toString()));
        assertEquals(ErrorKind.INVALID_INPUT, denied.kind());
        assertEquals("pipeline file " + f + " cannot be read: permission denied", denied.getMessage());
        assertTrue(denied.hint().contains("ls -l " + f), denied.hint());

        Path missing = tmp.resolve("missing.yaml");
        GenloomException gone = UserFiles.unreadable(missing, "pipeline file", new IOException("whatever"));
        assertEquals("pipeline file " + missing + " not found", gone.getMessage());

        GenloomException other = UserFiles.unreadable(f, "pipeline file", new IOException("Input/output error"));
        assertEquals(ErrorKind.IO, other.kind(), "a failing disk is no mistake of the user's");
        assertTrue(other.getMessage().contains("cannot be read: Input/output error"), other.getMessage());
    }

    @Test
    void anUnreadableFileIsPermissionDenied() throws IOException {
        Path f = Files.writeString(tmp.resolve("locked.yaml"), "x: 1");
        assertTrue(f.toFile().setReadable(false, false));
        try {
            assumeFalse(Files.isReadable(f),
                    "this user reads files without read permission (root): nothing to test");
            refused(() -> UserFiles.requireFile(f, "pipeline file"), "cannot be read: permission denied");
        } finally {
            f.toFile().setReadable(true, false);
        }
    }

    @Test
    void textThatIsNotUtf8IsRefusedSayingWhy() throws IOException {
        Path utf16 = Files.write(tmp.resolve("u16.yaml"), "name: x\n".getBytes(StandardCharsets.UTF_16));
        refused(() -> UserFiles.readUtf8(utf16, "pipeline file", 1000, null), "is not UTF-8 text", "UTF-16",
                "save it as UTF-8");
        Path utf16le = Files.write(tmp.resolve("u16le.yaml"), "name: x\n".getBytes(StandardCharsets.UTF_16LE));
        refused(() -> UserFiles.readUtf8(utf16le, "pipeline file", 1000, null), "looks like UTF-16");

        byte[] binary = {'n', 'a', 'm', 'e', ':', ' ', 'x', '\n', 'a', (byte) 0xC3, '(', 'z'};
        Path bin = Files.write(tmp.resolve("bin.yaml"), binary);
        refused(() -> UserFiles.readUtf8(bin, "pipeline file", 1000, null),
                "is not UTF-8 text: byte 0xC3 at line 2, column 2 is not UTF-8");
        Path nul = Files.write(tmp.resolve("nul.yaml"), new byte[] {'a', 0, 'b', 'c', 'd', 'e'});
        refused(() -> UserFiles.readUtf8(nul, "pipeline file", 1000, null), "binary data, a NUL byte at line 1, column 2");

        Path bom = Files.write(tmp.resolve("bom.yaml"), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'o', 'k'});
        assertEquals("ok", UserFiles.readUtf8(bom, "pipeline file", 1000, null));
        Path accents = Files.writeString(tmp.resolve("fr.txt"), "déjà vu ✓", StandardCharsets.UTF_8);
        assertEquals("déjà vu ✓", UserFiles.readUtf8(accents, "text", 1000, null));
    }

    @Test
    void aFileOverTheLimitIsRefusedByItsSizeUnread() throws IOException {
        Path big = tmp.resolve("big.yaml");
        // sparse and all NUL bytes: refused by its size, before a byte of it is read
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(5L * 1024 * 1024);
        }
        GenloomException e = refused(() -> UserFiles.readUtf8(big, "pipeline file", 3L * 1024 * 1024, "split it"),
                "pipeline file " + big + " is 5.0 MiB (5242880 bytes)", "over 3.0 MiB (3145728 bytes)", "split it");
        assertFalse(e.getMessage().contains("UTF-8"), e.getMessage());
    }
}
