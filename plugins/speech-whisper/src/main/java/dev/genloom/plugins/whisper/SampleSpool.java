package dev.genloom.plugins.whisper;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Mono samples written once, in order, to a temporary file and read back by range: the sound the
 * voice-activity pass has read stays on disk (4 bytes a sample, 64 KB a second at 16 kHz), not in
 * the heap, for the speech chunks cut from it afterwards. The file is deleted on close (on Linux,
 * as soon as it is open, so that nothing is left behind even by a killed process). One
 * thread.
 */
final class SampleSpool implements AutoCloseable {
    private static final int BLOCK = 1 << 14; // samples buffered before a write

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer pending = ByteBuffer.allocateDirect(BLOCK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long written; // samples in the file

    private SampleSpool(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** A new, empty spool in the JVM's temporary folder. */
    static SampleSpool create() {
        Path file = null;
        try {
            file = Files.createTempFile("genloom-vad-", ".f32");
            return new SampleSpool(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE));
        } catch (IOException e) {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw failed("cannot create a temporary file for the voice-activity pass", e);
        }
    }

    /** Appends {@code length} samples from {@code offset}. */
    void append(float[] samples, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; ) {
            int n = Math.min(end - i, pending.remaining() / Float.BYTES);
            pending.asFloatBuffer().put(samples, i, n);
            pending.position(pending.position() + n * Float.BYTES);
            i += n;
            if (!pending.hasRemaining()) {
                flush();
            }
        }
    }

    /** The temporary file. */
    Path file() {
        return file;
    }

    /** The samples appended so far. */
    long length() {
        return written + pending.position() / Float.BYTES;
    }

    /** Fills {@code into[offset, offset + length)} with the samples from {@code start}. */
    void read(long start, float[] into, int offset, int length) {
        if (start < 0 || start + length > length()) {
            throw new IndexOutOfBoundsException("samples " + start + "+" + length + " of " + length());
        }
        flush();
        ByteBuffer bytes = ByteBuffer.allocate(length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            long at = start * Float.BYTES;
            while (bytes.hasRemaining()) {
                int n = channel.read(bytes, at + bytes.position());
                if (n < 0) {
                    throw new IOException("the file ends early");
                }
            }
        } catch (IOException e) {
            throw failed("cannot read back the voice-activity pass's temporary file " + file, e);
        }
        bytes.flip();
        FloatBuffer floats = bytes.asFloatBuffer();
        floats.get(into, offset, length);
    }

    private void flush() {
        if (pending.position() == 0) {
            return;
        }
        pending.flip();
        int samples = pending.remaining() / Float.BYTES;
        try {
            long at = written * Float.BYTES;
            while (pending.hasRemaining()) {
                at += channel.write(pending, at);
            }
        } catch (IOException e) {
            throw failed("cannot write the voice-activity pass's temporary file " + file
                    + " (is the temporary folder full?)", e);
        }
        written += samples;
        pending.clear();
    }

    private static GenloomException failed(String what, IOException e) {
        return new GenloomException(ErrorKind.IO, what + ": " + e.getMessage(), null, e);
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failed("cannot delete the temporary file " + file, e);
        }
    }
}
