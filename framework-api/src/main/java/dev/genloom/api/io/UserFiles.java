package dev.genloom.api.io;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Files that users name (a pipeline, an input, an image, an audio file, a model file, a folder),
 * checked and read with errors in words: "not found", "is a directory", "symbolic link loop at
 * ...", "cannot be read: permission denied", "is empty", "is not UTF-8 text", "is 5.0 MiB, over
 * the limit", each with a hint that fits the cause and no Java internals in the message.
 *
 * <p>Every error is a {@link GenloomException} of kind {@link ErrorKind#INVALID_INPUT} (the user
 * can fix the path or the file), except a failure of the storage itself (an I/O error in the
 * middle of a read), which is {@link ErrorKind#IO}. Messages start with what the caller calls
 * the file ({@code what}: "pipeline file", "image", "input 'speech': file") and its path.
 */
public final class UserFiles {
    /** Links followed before giving up, as Linux does. */
    private static final int MAX_LINKS = 40;

    private UserFiles() {
    }

    /**
     * Checks that {@code file} is a regular file this process can read.
     *
     * @param what what the caller calls the file in messages ("pipeline file", "image")
     * @return its size in bytes
     * @throws GenloomException saying what is wrong: not found, a directory, a dangling link, a
     *                          link loop, permission denied, not a regular file
     */
    public static long requireFile(Path file, String what) {
        if (Files.isRegularFile(file)) {
            if (!Files.isReadable(file)) {
                throw permissionDenied(file, what);
            }
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw unreadable(file, what, e);
            }
        }
        if (Files.isDirectory(file)) {
            throw GenloomException.invalidInput(what + " " + file + " is a directory, not a file",
                    "give the path of a file");
        }
        if (Files.exists(file)) {
            throw GenloomException.invalidInput(what + " " + file + " is not a regular file (a device or a pipe)",
                    "give the path of a file");
        }
        throw missing(file, what);
    }

    /**
     * Checks that {@code file} is a readable regular file that holds at least one byte.
     *
     * @param emptyHint what to do about an empty file (null: a general hint)
     * @return its size in bytes
     */
    public static long requireNonEmptyFile(Path file, String what, String emptyHint) {
        long size = requireFile(file, what);
        if (size == 0) {
            throw GenloomException.invalidInput(what + " " + file + " is empty (0 bytes)",
                    emptyHint != null ? emptyHint : "the file holds nothing; write or copy it again");
        }
        return size;
    }

    /**
     * Checks that {@code dir} is a folder: not missing, not a file, not a link loop.
     *
     * @param what what the caller calls the folder ("plugins folder")
     * @param hint what to do where it is not one (null: a general hint)
     */
    public static void requireFolder(Path dir, String what, String hint) {
        if (Files.isDirectory(dir)) {
            return;
        }
        String fix = hint != null ? hint : "give the path of an existing folder";
        if (Files.exists(dir)) {
            throw GenloomException.invalidInput(what + " " + dir + " is a file, not a folder", fix);
        }
        Optional<Path> loop = linkLoop(dir);
        if (loop.isPresent()) {
            throw loopError(dir, what, loop.get());
        }
        throw GenloomException.invalidInput(what + " " + dir + " does not exist", fix);
    }

    /**
     * Reads a text file as UTF-8 (a UTF-8 byte-order mark is dropped). A file over
     * {@code maxBytes} is refused by its size before anything is read; one that is not UTF-8
     * (UTF-16, binary data, another encoding) is refused saying where the first bad byte is.
     *
     * @param maxBytes     the largest file read
     * @param tooLargeHint what to do about a file over the limit (null: a general hint)
     */
    public static String readUtf8(Path file, String what, long maxBytes, String tooLargeHint) {
        long size = requireFile(file, what);
        if (size > maxBytes) {
            throw GenloomException.invalidInput(what + " " + file + " is " + bytes(size) + " (" + size
                    + " bytes); files over " + bytes(maxBytes) + " (" + maxBytes + " bytes) are not read",
                    tooLargeHint != null ? tooLargeHint : "give a smaller file");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(file, what, e);
        }
        return decodeUtf8(content, file + "", what);
    }

    /**
     * Bytes as UTF-8 text, or an error naming {@code source} that says why they are not: a UTF-16
     * byte-order mark, a NUL byte (binary data), or the line and column of the first byte that is
     * not UTF-8. A UTF-8 byte-order mark is dropped.
     */
    public static String decodeUtf8(byte[] content, String source, String what) {
        int start = 0;
        if (content.length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB
                && (content[2] & 0xff) == 0xBF) {
            start = 3;
        } else if (content.length >= 2 && ((content[0] & 0xff) == 0xFE && (content[1] & 0xff) == 0xFF
                || (content[0] & 0xff) == 0xFF && (content[1] & 0xff) == 0xFE)) {
            throw notUtf8(source, what, "it is UTF-16, with a byte-order mark");
        }
        for (int i = start; i < content.length; i++) {
            if (content[i] == 0) {
                throw notUtf8(source, what, (looksLikeUtf16(content) ? "it looks like UTF-16" : "it holds binary data")
                        + ", a NUL byte at " + position(content, i));
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content, start, content.length - start);
        CharBuffer out = CharBuffer.allocate(content.length - start);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            throw notUtf8(source, what, String.format(Locale.ROOT, "byte 0x%02X at %s is not UTF-8",
                    content[at] & 0xff, position(content, at)));
        }
        out.flip();
        return out.toString();
    }

    /**
     * An {@link IOException} met while reading a user's file, in words: not found, a directory,
     * a link loop, permission denied, ... Returned, for the caller to throw.
     */
    public static GenloomException unreadable(Path file, String what, IOException e) {
        if (e instanceof AccessDeniedException) {
            return permissionDenied(file, what);
        }
        if (e instanceof FileSystemLoopException) {
            return loopError(file, what, linkLoop(file).orElse(file.toAbsolutePath()));
        }
        if (Files.isDirectory(file)) {
            return GenloomException.invalidInput(what + " " + file + " is a directory, not a file",
                    "give the path of a file");
        }
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException || !Files.exists(file)) {
            return missing(file, what);
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage() == null ? "an input/output error" : e.getMessage();
        return new GenloomException(ErrorKind.IO, what + " " + file + " cannot be read: " + reason,
                "check the disk or the network share it lies on, then try again", e);
    }

    /**
     * Where following the symbolic links of {@code path} (its own and those of the folders above
     * it) goes round in a loop: the first link met twice, or the link where more than 40 were
     * followed. Empty where the links lead somewhere (that may or may not exist).
     */
    public static Optional<Path> linkLoop(Path path) {
        Path absolute = path.toAbsolutePath();
        Deque<Path> todo = new ArrayDeque<>();
        absolute.forEach(todo::addLast);
        Path at = absolute.getRoot();
        Set<Path> seen = new HashSet<>();
        Path repeated = null;
        int followed = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst().toString();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                at = at.getParent() == null ? at : at.getParent();
                continue;
            }
            Path next = at.resolve(name);
            if (!Files.isSymbolicLink(next)) {
                at = next;
                continue;
            }
            if (!seen.add(next) && repeated == null) {
                repeated = next;
            }
            if (++followed > MAX_LINKS) {
                return Optional.of(repeated != null ? repeated : next);
            }
            Path target;
            try {
                target = Files.readSymbolicLink(next);
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
            List<Path> names = new ArrayList<>();
            target.forEach(names::add);
            for (int i = names.size() - 1; i >= 0; i--) {
                todo.addFirst(names.get(i));
            }
            if (target.isAbsolute()) {
                at = target.getRoot();
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------

    private static GenloomException missing(Path file, String what) {
        Optional<Path> loop = linkLoop(file);
        if (loop.isPresent()) {
            return loopError(file, what, loop.get());
        }
        if (Files.isSymbolicLink(file)) {
            String target;
            try {
                target = Files.readSymbolicLink(file).toString();
            } catch (IOException e) {
                target = "a path";
            }
            return GenloomException.invalidInput(what + " " + file + " is a symbolic link to " + target
                    + ", which does not exist", "point the link at a file, or remove it");
        }
        Path parent = file.toAbsolutePath().getParent();
        String hint = "check the path";
        if (parent != null && !Files.isDirectory(parent)) {
            hint = Files.exists(parent) ? "check the path: " + parent + " is a file, not a folder"
                    : "check the path: the folder " + parent + " does not exist either";
        }
        return GenloomException.invalidInput(what + " " + file + " not found", hint);
    }

    private static GenloomException permissionDenied(Path file, String what) {
        return GenloomException.invalidInput(what + " " + file + " cannot be read: permission denied",
                "check its permissions (ls -l " + file + "), or run as a user who may read it");
    }

    private static GenloomException loopError(Path file, String what, Path loop) {
        return GenloomException.invalidInput(what + " " + file + ": symbolic link loop at " + loop,
                "the link leads back to itself; point it at a real file or folder, or remove it");
    }

    private static GenloomException notUtf8(String source, String what, String why) {
        return GenloomException.invalidInput(what + " " + source + " is not UTF-8 text: " + why,
                "save it as UTF-8 text");
    }

    /** UTF-16 text without a byte-order mark has a NUL in every other byte (for Latin text). */
    private static boolean looksLikeUtf16(byte[] b) {
        int n = Math.min(b.length, 4096) & ~1;
        if (n < 4) {
            return false;
        }
        int evenNul = 0;
        int oddNul = 0;
        for (int i = 0; i < n; i += 2) {
            evenNul += b[i] == 0 ? 1 : 0;
            oddNul += b[i + 1] == 0 ? 1 : 0;
        }
        int pairs = n / 2;
        return Math.max(evenNul, oddNul) * 10 >= pairs * 8 && Math.min(evenNul, oddNul) * 10 <= pairs;
    }

    /** "line L, column C" of byte {@code at} (columns count bytes). */
    private static String position(byte[] b, int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (b[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (at - lineStart + 1);
    }

    /** A size in bytes, KiB, MiB or GiB, one decimal. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
