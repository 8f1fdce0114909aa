package dev.genloom.zoo.onnx;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The external-data file of one model ({@code model.onnx_data}), written as tensors are made:
 * each large tensor's bytes are appended to the file at once and the model keeps only a
 * {@linkplain Tensor#external reference} (location, offset, length), so a model of gigabytes is
 * written without holding its weights in memory. Tensors below {@link #DEFAULT_THRESHOLD} bytes stay
 * inline, as {@code onnx.save_model(..., save_as_external_data=True, all_tensors_to_one_file=True)}
 * keeps them (its {@code size_threshold}).
 *
 * <p>A {@linkplain #discarding() discarding} instance writes nothing: it only counts, for models
 * whose size is wanted without writing them.
 *
 * <pre>{@code
 * try (ExternalData data = ExternalData.create(folder.resolve("model.onnx_data"))) {
 *     OnnxModel m = build(data);                     // Weights route their tensors here
 *     m.write(folder.resolve("model.onnx"));
 * }
 * }</pre>
 */
public final class ExternalData implements Closeable {

    /** Tensors smaller than this many bytes stay inline ({@code onnx}'s default {@code size_threshold}). */
    public static final int DEFAULT_THRESHOLD = 1024;

    private final String location;
    private final OutputStream out;
    private final Path file;
    private long offset;
    private int tensors;

    private ExternalData(Path file, OutputStream out) {
        this.file = file;
        this.location = file == null ? "" : file.getFileName().toString();
        this.out = out;
    }

    /** Opens (replaces) {@code file}; tensors will name it by its file name, relative to the model beside it. */
    public static ExternalData create(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new ExternalData(file, new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create external data file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A sink that keeps nothing and writes nothing; see {@link #discards()}. */
    public static ExternalData discarding() {
        return new ExternalData(null, null);
    }

    /** Whether this sink drops the data (callers may then skip making it). */
    public boolean discards() {
        return out == null;
    }

    /** Whether a tensor of {@code bytes} bytes goes to this file rather than inline. */
    public boolean takes(long bytes) {
        return bytes >= DEFAULT_THRESHOLD;
    }

    /**
     * Appends {@code littleEndian} (the tensor's raw data) and returns the external tensor that
     * refers to it. With a discarding sink the bytes may be {@code null}; only the length counts.
     */
    public Tensor append(ElementType type, long[] dims, byte[] littleEndian, long length) {
        Tensor.ExternalLocation where = new Tensor.ExternalLocation(discards() ? "discarded" : location, offset, length);
        Tensor t = Tensor.external(type, dims, where);
        if (out != null) {
            if (littleEndian == null || littleEndian.length != length) {
                throw new IllegalArgumentException("external data: " + length + " bytes announced, "
                        + (littleEndian == null ? 0 : littleEndian.length) + " given");
            }
            try {
                out.write(littleEndian);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write external data " + file + ": " + e.getMessage(), e);
            }
        }
        offset += length;
        tensors++;
        return t;
    }

    /**
     * Appends {@code values} as float32 ({@link ElementType#FLOAT}) or float16 ({@link ElementType#FLOAT16},
     * rounded to nearest even) little-endian data, encoded in chunks (no copy of the whole tensor),
     * and returns the external tensor; {@code values} may be {@code null} for a discarding sink.
     */
    public Tensor appendFloats(float[] values, long[] dims, ElementType type) {
        if (type != ElementType.FLOAT && type != ElementType.FLOAT16) {
            throw new IllegalArgumentException("floats are stored as FLOAT or FLOAT16, not " + type);
        }
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        long length = n * type.byteSize();
        Tensor.ExternalLocation where = new Tensor.ExternalLocation(discards() ? "discarded" : location, offset, length);
        Tensor t = Tensor.external(type, dims, where);
        if (out != null) {
            if (values == null || values.length != n) {
                throw new IllegalArgumentException("external data: shape holds " + n + " values, "
                        + (values == null ? 0 : values.length) + " given");
            }
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            try {
                for (float v : values) {
                    if (type == ElementType.FLOAT) {
                        chunk.putFloat(v);
                    } else {
                        chunk.putShort(Float16.fromFloat(v));
                    }
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                }
                out.write(chunk.array(), 0, chunk.position());
            } catch (IOException e) {
                throw new UncheckedIOException("could not write external data " + file + ": " + e.getMessage(), e);
            }
        }
        offset += length;
        tensors++;
        return t;
    }

    /** Bytes appended so far. */
    public long size() {
        return offset;
    }

    /** Tensors appended so far. */
    public int tensorCount() {
        return tensors;
    }

    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close external data file " + file + ": " + e.getMessage(), e);
        }
    }
}
