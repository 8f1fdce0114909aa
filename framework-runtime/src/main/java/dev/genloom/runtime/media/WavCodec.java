package dev.genloom.runtime.media;

import dev.genloom.api.media.Audio;
import dev.genloom.api.media.AudioStream;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads and writes WAV (RIFF/WAVE) files.
 *
 * <p>Reads PCM (8-bit unsigned, 16/24/32-bit signed; other depths up to 32 bits in a whole-byte
 * container), IEEE float (32 and 64 bit), and {@code WAVE_FORMAT_EXTENSIBLE} with a PCM or float
 * sub-format, at any sample rate and channel count. Unknown chunks are skipped. A data chunk whose
 * size is declared as 0 or 0xFFFFFFFF (as streaming writers leave it) is read to the end of the
 * stream. Samples become floats: integers are divided by 2<sup>bits-1</sup> (so they lie in
 * [-1, 1)); float samples are kept as they are.
 *
 * <p>Writes 8-bit unsigned, 16/24/32-bit PCM or 32-bit float, rounding and clamping to [-1, 1] for
 * the integer encodings. One or two channels of 8/16-bit PCM or float get the plain 16-byte
 * {@code fmt} chunk; more channels, or 24/32-bit PCM, get {@code WAVE_FORMAT_EXTENSIBLE} with the
 * usual speaker mask. Float files carry a {@code fact} chunk.
 *
 * <p>Every failure is a {@link GenloomException}: {@link ErrorKind#INVALID_INPUT} for a file
 * that is not a WAV this class reads (saying where and why), {@link ErrorKind#IO} where reading or
 * writing itself fails. A well-formed WAV whose sample coding this class does not decode (A-law,
 * mu-law, ADPCM, MP3 in WAV, RF64, RIFX, ...) fails with the subclass {@link UnsupportedWavException},
 * so that a caller with a more general decoder can hand the file on.
 *
 * <p>A data chunk shorter than its header declares (a copy or a download that stopped early) is an
 * error for {@link #read(InputStream, String)}; {@link #read(InputStream, String, Consumer)} gives
 * the frames that are there instead, and says what was missing.
 */
public final class WavCodec {
    /** The sample encodings WAV files are written in. */
    public enum Encoding {
        /** 8-bit unsigned PCM (128 is silence). */
        PCM_U8(1, false),
        /** 16-bit signed PCM, the usual one. */
        PCM_16(2, false),
        /** 24-bit signed PCM. */
        PCM_24(3, false),
        /** 32-bit signed PCM. */
        PCM_32(4, false),
        /** 32-bit IEEE float, lossless for {@link Audio}'s samples. */
        FLOAT_32(4, true);

        private final int bytes;
        private final boolean isFloat;

        Encoding(int bytes, boolean isFloat) {
            this.bytes = bytes;
            this.isFloat = isFloat;
        }

        /** Bytes per sample. */
        public int bytesPerSample() {
            return bytes;
        }

        /** Bits per sample. */
        public int bitsPerSample() {
            return bytes * 8;
        }

        /** Whether samples are IEEE floats (else integers). */
        public boolean isFloat() {
            return isFloat;
        }
    }

    static final int TAG_PCM = 0x0001;
    static final int TAG_FLOAT = 0x0003;
    static final int TAG_EXTENSIBLE = 0xFFFE;

    /** The last 14 bytes of the KSDATAFORMAT_SUBTYPE_* GUIDs; the first two are the format tag. */
    private static final byte[] GUID_TAIL = {
            0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    /** Bytes of sample data decoded or encoded at a time. */
    private static final int BLOCK_BYTES = 1 << 16;
    /** The largest fmt chunk accepted (real ones are 16 to 40 bytes). */
    private static final int MAX_FMT_BYTES = 1 << 16;
    /** The most samples one {@link Audio} holds. */
    private static final long MAX_SAMPLES = Integer.MAX_VALUE - 16;
    /** The largest RIFF payload a WAV file can declare. */
    private static final long MAX_RIFF_SIZE = 0xFFFFFFFFL;

    private WavCodec() {
    }

    /**
     * A WAV file that is well formed as far as it was read, but in a sample coding or container
     * variant this class does not decode. Its kind is {@link ErrorKind#INVALID_INPUT}.
     */
    public static final class UnsupportedWavException extends GenloomException {
        private static final long serialVersionUID = 1L;

        UnsupportedWavException(String message) {
            super(ErrorKind.INVALID_INPUT, message);
        }
    }

    // ------------------------------------------------------------------------------------ read

    /** Reads a WAV file. */
    public static Audio read(Path file) {
        UserFiles.requireFile(file, "WAV file");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BLOCK_BYTES)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "WAV file", e);
        }
    }

    /**
     * Reads WAV bytes from a stream, which is left open; {@code where} names the source in error
     * messages (a file name, a URL, "request body").
     */
    public static Audio read(InputStream in, String where) {
        return read(in, where, null);
    }

    /**
     * Reads WAV bytes from a stream, which is left open, accepting a data chunk cut short: the
     * whole frames that are present are returned, and {@code onTruncatedData} (where not null) is
     * given a sentence saying how much was declared and how much was there. Without a callback
     * ({@code null}), a short data chunk is an error as in {@link #read(InputStream, String)}. A
     * header cut short is always an error.
     */
    public static Audio read(InputStream in, String where, Consumer<String> onTruncatedData) {
        try {
            return new Reader(in, where == null ? "WAV input" : where, onTruncatedData).read();
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read WAV from " + where + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Opens a WAV file as a stream: the header is read now, the samples a block at a time as they
     * are asked for, so memory stays bounded whatever the length. A data chunk cut short gives
     * the frames there are and a sentence to {@code onTruncatedData} (null: an error).
     */
    public static AudioStream open(Path file, Consumer<String> onTruncatedData) {
        UserFiles.requireFile(file, "WAV file");
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), BLOCK_BYTES);
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "WAV file", e);
        }
        try {
            return open(in, file.toString(), onTruncatedData).closing(() -> {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // nothing was written: a failed close of a file read loses nothing
                }
            });
        } catch (RuntimeException e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Opens WAV bytes from a stream as an {@link AudioStream}; the stream is left open. */
    static Reader.Samples open(InputStream in, String where, Consumer<String> onTruncatedData) {
        try {
            return new Reader(in, where == null ? "WAV input" : where, onTruncatedData).open();
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read WAV from " + where + ": " + e.getMessage(), null, e);
        }
    }

    /** Reads a whole WAV file held in memory. */
    public static Audio decode(byte[] wav, String where) {
        return read(new ByteArrayInputStream(wav), where);
    }

    /** What a fmt chunk says. */
    private record Format(int tag, int channels, int sampleRate, int blockAlign, int bytesPerSample,
                          boolean isFloat) {
    }

    /** Reads one WAV stream; keeps the byte offset for error messages. */
    private static final class Reader {
        private final InputStream in;
        private final String where;
        /** Told about a data chunk cut short; null: that is an error. */
        private final Consumer<String> onTruncatedData;
        private long offset;

        Reader(InputStream in, String where, Consumer<String> onTruncatedData) {
            this.in = in;
            this.where = where;
            this.onTruncatedData = onTruncatedData;
        }

        /** Reads the whole data chunk into one Audio. */
        Audio read() throws IOException {
            return open().collect();
        }

        /** Reads the header up to the data chunk; the samples are read by the stream returned. */
        Samples open() throws IOException {
            byte[] header = readUpTo(12);
            if (header.length < 4 || !ascii(header, 0).equals("RIFF")) {
                throw notRiff(header);
            }
            if (header.length < 12) {
                throw invalid("truncated: the RIFF header needs 12 bytes, the input has only " + header.length);
            }
            String form = ascii(header, 8);
            if (!form.equals("WAVE")) {
                throw invalid("a RIFF file but not WAVE: its form type is " + quote(form));
            }
            Format format = null;
            while (true) {
                long chunkStart = offset;
                byte[] ch = readUpTo(8);
                if (ch.length == 0) {
                    throw format == null
                            ? invalid("no fmt chunk before the end of the input at byte " + offset)
                            : invalid("no data chunk before the end of the input at byte " + offset);
                }
                if (ch.length < 8) {
                    throw invalid("truncated: a chunk header at byte " + chunkStart + " needs 8 bytes, only "
                            + ch.length + " are present");
                }
                String id = ascii(ch, 0);
                long size = u32(ch, 4);
                switch (id) {
                    case "fmt " -> {
                        if (format != null) {
                            skipChunk(id, chunkStart, size);
                        } else {
                            format = readFormat(chunkStart, size);
                        }
                    }
                    case "data" -> {
                        if (format == null) {
                            throw invalid("no fmt chunk: the data chunk at byte " + chunkStart
                                    + " comes before any fmt chunk");
                        }
                        return new Samples(format, chunkStart, size);
                    }
                    default -> skipChunk(id, chunkStart, size);
                }
            }
        }

        private Format readFormat(long chunkStart, long size) throws IOException {
            if (size < 16) {
                throw invalid("the fmt chunk at byte " + chunkStart + " is " + size + " bytes; it needs at least 16");
            }
            if (size > MAX_FMT_BYTES) {
                throw invalid("the fmt chunk at byte " + chunkStart + " declares " + size
                        + " bytes, far more than a format description needs");
            }
            byte[] f = readUpTo((int) size);
            if (f.length < size) {
                throw invalid("truncated: the fmt chunk at byte " + chunkStart + " declares " + size
                        + " bytes but only " + f.length + " are present");
            }
            skipPad(size);
            int tag = u16(f, 0);
            int channels = u16(f, 2);
            long rate = u32(f, 4);
            int blockAlign = u16(f, 12);
            int bits = u16(f, 14);
            int containerBits = bits;
            int codingTag = tag;
            if (tag == TAG_EXTENSIBLE) {
                if (size < 40 || u16(f, 16) < 22) {
                    throw invalid("the WAVE_FORMAT_EXTENSIBLE fmt chunk at byte " + chunkStart + " is " + size
                            + " bytes (extension " + (size >= 18 ? u16(f, 16) : 0) + " bytes); it needs 40 (22)");
                }
                int validBits = u16(f, 18);
                for (int i = 0; i < GUID_TAIL.length; i++) {
                    if (f[26 + i] != GUID_TAIL[i]) {
                        throw unsupported("WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID " + guid(f, 24)
                                + " is not supported; convert to PCM or float");
                    }
                }
                codingTag = u16(f, 24);
                if (validBits > containerBits) {
                    throw invalid("WAVE_FORMAT_EXTENSIBLE says " + validBits + " valid bits in a "
                            + containerBits + "-bit sample container");
                }
                // Valid bits sit in the high end of the container, so the container decides the scale.
            }
            if (codingTag != TAG_PCM && codingTag != TAG_FLOAT) {
                throw unsupported("format tag " + codingTag + " (" + tagName(codingTag) + ")"
                        + (tag == TAG_EXTENSIBLE ? " in WAVE_FORMAT_EXTENSIBLE" : "")
                        + " is not supported; convert to PCM or float");
            }
            if (channels == 0) {
                throw invalid("the fmt chunk says 0 channels");
            }
            if (rate == 0 || rate > Integer.MAX_VALUE) {
                throw invalid("the fmt chunk says a sample rate of " + rate + " Hz");
            }
            boolean isFloat = codingTag == TAG_FLOAT;
            int bytesPerSample;
            if (isFloat) {
                if (bits != 32 && bits != 64) {
                    throw unsupported("unsupported bit depth: " + bits + "-bit float samples; float WAV must be 32 or 64 bit");
                }
                bytesPerSample = bits / 8;
            } else {
                if (bits == 0 || bits > 32) {
                    throw unsupported("unsupported bit depth: " + bits + "-bit PCM; Genloom reads 8, 16, 24 and 32 bit");
                }
                bytesPerSample = (bits + 7) / 8;
            }
            if (blockAlign != channels * bytesPerSample) {
                throw invalid("block-align mismatch: the fmt chunk says " + blockAlign + " bytes per frame, but "
                        + channels + " channel(s) of " + bits + "-bit samples take " + channels * bytesPerSample);
            }
            return new Format(codingTag, channels, (int) rate, blockAlign, bytesPerSample, isFloat);
        }

        /**
         * The data chunk, read a block at a time: whole frames only (a partial last frame, of a
         * stream cut short or a padded data size, is dropped), a chunk cut short reported at its
         * end as {@link #onTruncatedData} says.
         */
        final class Samples implements AudioStream {
            private final Format format;
            private final long chunkStart;
            private final long declared;
            private final boolean toEnd;
            private final int frameBytes;
            private final byte[] block;
            private long remaining;
            private long got;
            private long framesRead;
            private boolean ended;
            private Runnable onClose = () -> { };

            Samples(Format format, long chunkStart, long declared) {
                this.format = format;
                this.chunkStart = chunkStart;
                this.declared = declared;
                this.toEnd = declared == 0 || declared == 0xFFFFFFFFL;
                this.frameBytes = format.blockAlign();
                this.block = new byte[Math.max(frameBytes, BLOCK_BYTES / frameBytes * frameBytes)];
                this.remaining = toEnd ? Long.MAX_VALUE : declared;
            }

            @Override
            public int sampleRate() {
                return format.sampleRate();
            }

            @Override
            public int channels() {
                return format.channels();
            }

            @Override
            public long frames() {
                return toEnd ? -1 : declared / frameBytes;
            }

            @Override
            public int read(float[] buffer, int frames) {
                try {
                    while (!ended && remaining > 0) {
                        int want = (int) Math.min(Math.min((long) frames * frameBytes, block.length), remaining);
                        want = Math.max(frameBytes, want / frameBytes * frameBytes);
                        int n = readFully(block, 0, (int) Math.min(want, remaining));
                        offset += n;
                        got += n;
                        remaining -= n;
                        int whole = n / frameBytes;
                        if (whole > 0) {
                            decode(block, 0, whole * format.channels(), format, buffer, 0);
                            framesRead += whole;
                        }
                        if (n < want) {
                            ended = true;
                            endOfInput();
                        }
                        if (whole > 0) {
                            return whole;
                        }
                    }
                    return -1;
                } catch (IOException e) {
                    throw new GenloomException(ErrorKind.IO, "cannot read WAV from " + where + " at byte " + offset
                            + ": " + e.getMessage(), null, e);
                }
            }

            private void endOfInput() {
                if (!toEnd && got < declared) {
                    String what = "truncated: the data chunk at byte " + chunkStart + " declares " + declared
                            + " bytes but only " + got + " are present";
                    if (onTruncatedData == null) {
                        throw invalid(what);
                    }
                    onTruncatedData.accept(where + ": " + what + "; read the " + framesRead
                            + " whole frames there are");
                }
            }

            /** Closes the input with the stream (streams opened on a file). */
            Samples closing(Runnable action) {
                this.onClose = action;
                return this;
            }

            @Override
            public void close() {
                ended = true;
                onClose.run();
            }

            /** Everything into one Audio, growing as data arrives rather than trusting the declared size. */
            Audio collect() {
                long declaredSamples = toEnd ? 0 : declared / frameBytes * format.channels();
                if (declaredSamples > MAX_SAMPLES) {
                    throw invalid("the data chunk holds " + declaredSamples + " samples, more than one Audio holds ("
                            + MAX_SAMPLES + ")");
                }
                int channels = format.channels();
                float[] out = new float[(int) Math.min(declaredSamples, 1 << 20)];
                float[] buffer = new float[block.length / frameBytes * channels];
                long count = 0;
                int n;
                while ((n = read(buffer, block.length / frameBytes)) >= 0) {
                    int samples = n * channels;
                    if (count + samples > MAX_SAMPLES) {
                        throw invalid("the data chunk holds more samples than one Audio holds (" + MAX_SAMPLES + ")");
                    }
                    if (count + samples > out.length) {
                        long grown = Math.max(count + samples, Math.min(MAX_SAMPLES, (long) out.length * 2));
                        out = Arrays.copyOf(out, (int) grown);
                    }
                    System.arraycopy(buffer, 0, out, (int) count, samples);
                    count += samples;
                }
                float[] samples = count == out.length ? out : Arrays.copyOf(out, (int) count);
                return Audio.wrap(samples, format.sampleRate(), channels);
            }
        }

        private void skipChunk(String id, long chunkStart, long size) throws IOException {
            long skipped = skip(size);
            if (skipped < size) {
                throw invalid("truncated: the " + quote(id) + " chunk at byte " + chunkStart + " declares " + size
                        + " bytes but only " + skipped + " are present");
            }
            skipPad(size);
        }

        /** Skips the pad byte that follows a chunk of odd size (missing at the very end is tolerated). */
        private void skipPad(long size) throws IOException {
            if ((size & 1) != 0) {
                skip(1);
            }
        }

        private long skip(long n) throws IOException {
            long done = 0;
            while (done < n) {
                long s = in.skip(n - done);
                if (s <= 0) {
                    if (in.read() < 0) {
                        break;
                    }
                    s = 1;
                }
                done += s;
            }
            offset += done;
            return done;
        }

        private byte[] readUpTo(int n) throws IOException {
            byte[] b = new byte[n];
            int got = readFully(b, 0, n);
            offset += got;
            return got == n ? b : Arrays.copyOf(b, got);
        }

        /** Reads until {@code len} bytes or the end of the input; how many were read. */
        private int readFully(byte[] b, int off, int len) throws IOException {
            int done = 0;
            while (done < len) {
                int n = in.read(b, off + done, len - done);
                if (n < 0) {
                    break;
                }
                done += n;
            }
            return done;
        }

        private GenloomException notRiff(byte[] header) {
            if (header.length == 0) {
                return invalid("not a WAV file: the input is empty");
            }
            if (header.length < 4) {
                return invalid("truncated: not a WAV file, the input has only " + header.length + " bytes");
            }
            String magic = ascii(header, 0);
            if (magic.equals("RIFX")) {
                return unsupported("big-endian RIFX WAV is not supported; convert to little-endian RIFF WAV");
            }
            if (magic.equals("RF64") || magic.equals("BW64")) {
                return unsupported(magic + " (64-bit WAV) is not supported; convert to plain RIFF WAV under 4 GiB");
            }
            return invalid("not RIFF: a WAV file starts with 'RIFF', this input starts with " + quote(magic));
        }

        private GenloomException invalid(String what) {
            return GenloomException.invalidInput(where + ": " + what);
        }

        private GenloomException unsupported(String what) {
            return new UnsupportedWavException(where + ": " + what);
        }
    }

    /** Decodes {@code samples} samples from {@code src} into {@code dst} at {@code at}. */
    private static void decode(byte[] src, int from, int samples, Format format, float[] dst, int at) {
        int p = from;
        int end = at + samples;
        if (format.isFloat()) {
            if (format.bytesPerSample() == 4) {
                ByteBuffer.wrap(src, from, samples * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, at, samples);
            } else {
                ByteBuffer bb = ByteBuffer.wrap(src, from, samples * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = at; i < end; i++) {
                    dst[i] = (float) bb.getDouble();
                }
            }
            return;
        }
        switch (format.bytesPerSample()) {
            case 1 -> {
                for (int i = at; i < end; i++) {
                    dst[i] = ((src[p++] & 0xff) - 128) * (1f / 128);
                }
            }
            case 2 -> {
                for (int i = at; i < end; i++, p += 2) {
                    dst[i] = (short) ((src[p] & 0xff) | src[p + 1] << 8) * (1f / 32768);
                }
            }
            case 3 -> {
                for (int i = at; i < end; i++, p += 3) {
                    dst[i] = ((src[p] & 0xff) | (src[p + 1] & 0xff) << 8 | src[p + 2] << 16) * (1f / 8388608);
                }
            }
            case 4 -> {
                for (int i = at; i < end; i++, p += 4) {
                    int v = (src[p] & 0xff) | (src[p + 1] & 0xff) << 8 | (src[p + 2] & 0xff) << 16 | src[p + 3] << 24;
                    dst[i] = v * (1f / 2147483648f);
                }
            }
            default -> throw new IllegalStateException("bytes per sample " + format.bytesPerSample());
        }
    }

    // ----------------------------------------------------------------------------------- write

    /** Writes {@code audio} to {@code file} as 16-bit PCM WAV, replacing what was there. */
    public static void write(Audio audio, Path file) {
        write(audio, file, Encoding.PCM_16);
    }

    /** Writes a WAV file, creating its parent folders; a file that cannot be finished is removed. */
    public static void write(Audio audio, Path file, Encoding encoding) {
        if (Files.isDirectory(file)) {
            throw GenloomException.invalidInput("cannot write WAV to " + file + ": it is a directory");
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot create the folder for WAV file " + file + ": "
                    + e.getMessage(), null, e);
        }
        boolean done = false;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BLOCK_BYTES)) {
            writeTo(audio, out, encoding);
            done = true;
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot write WAV file " + file + ": " + e.getMessage(), null, e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the original failure is what the caller needs to see
                }
            }
        }
    }

    /** Writes WAV bytes to a stream, which is flushed and left open. */
    public static void write(Audio audio, OutputStream out, Encoding encoding) {
        try {
            writeTo(audio, out, encoding);
            out.flush();
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot write WAV: " + e.getMessage(), null, e);
        }
    }

    /** The audio as the bytes of a WAV file. */
    public static byte[] encode(Audio audio, Encoding encoding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                (int) Math.min(Integer.MAX_VALUE - 16, 80 + (long) audio.sampleCount() * encoding.bytesPerSample()));
        write(audio, out, encoding);
        return out.toByteArray();
    }

    /** The WAV header (everything before the sample bytes) for this audio and encoding. */
    static byte[] header(int sampleRate, int channels, long frames, Encoding encoding) {
        int bps = encoding.bytesPerSample();
        long blockAlignLong = (long) channels * bps;
        if (blockAlignLong > 0xFFFF || sampleRate * blockAlignLong > MAX_RIFF_SIZE) {
            throw GenloomException.invalidInput("a WAV file cannot hold " + channels + " channels of "
                    + encoding + " at " + sampleRate + " Hz (its frame size or byte rate overflows)");
        }
        boolean extensible = channels > 2 || bps > 2 && !encoding.isFloat();
        int fmtSize = extensible ? 40 : 16;
        boolean fact = encoding.isFloat();
        long dataBytes = frames * channels * bps;
        long riffSize = 4 + (8 + fmtSize) + (fact ? 12 : 0) + 8 + dataBytes + (dataBytes & 1);
        if (riffSize > MAX_RIFF_SIZE) {
            throw GenloomException.invalidInput("audio of " + frames + " frames x " + channels + " channels is "
                    + dataBytes + " bytes as " + encoding + ", more than a WAV file holds (4 GiB)",
                    "write shorter pieces or a smaller encoding");
        }
        int blockAlign = channels * bps;
        ByteBuffer b = ByteBuffer.allocate((int) (riffSize - dataBytes - (dataBytes & 1) + 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(bytes("RIFF")).putInt((int) riffSize).put(bytes("WAVE"));
        b.put(bytes("fmt ")).putInt(fmtSize);
        int tag = encoding.isFloat() ? TAG_FLOAT : TAG_PCM;
        b.putShort((short) (extensible ? TAG_EXTENSIBLE : tag));
        b.putShort((short) channels);
        b.putInt(sampleRate);
        b.putInt((int) (sampleRate * blockAlignLong));
        b.putShort((short) blockAlign);
        b.putShort((short) (bps * 8));
        if (extensible) {
            b.putShort((short) 22);
            b.putShort((short) (bps * 8)); // valid bits
            b.putInt(channelMask(channels));
            b.putShort((short) tag).put(GUID_TAIL);
        }
        if (fact) {
            b.put(bytes("fact")).putInt(4).putInt((int) Math.min(frames, 0xFFFFFFFFL));
        }
        b.put(bytes("data")).putInt((int) dataBytes);
        return b.array();
    }

    /** The usual speaker positions for a channel count (0, no positions, beyond 7.1). */
    static int channelMask(int channels) {
        return switch (channels) {
            case 1 -> 0x4;      // front centre
            case 2 -> 0x3;      // front left, front right
            case 3 -> 0x7;      // + front centre
            case 4 -> 0x33;     // front left/right, back left/right
            case 5 -> 0x37;     // + front centre
            case 6 -> 0x3F;     // 5.1: FL FR FC LFE BL BR
            case 7 -> 0x13F;    // 6.1: + back centre
            case 8 -> 0x63F;    // 7.1: FL FR FC LFE BL BR SL SR
            default -> 0;
        };
    }

    private static void writeTo(Audio audio, OutputStream out, Encoding encoding) throws IOException {
        out.write(header(audio.sampleRate(), audio.channels(), audio.frames(), encoding));
        int bps = encoding.bytesPerSample();
        int perBlock = BLOCK_BYTES / bps;
        byte[] block = new byte[perBlock * bps];
        float[] samples = new float[perBlock];
        int total = audio.sampleCount();
        for (int start = 0; start < total; start += perBlock) {
            int n = Math.min(perBlock, total - start);
            audio.copySamples(start, samples, 0, n);
            encode(samples, 0, n, encoding, block);
            out.write(block, 0, n * bps);
        }
        if (((long) total * bps & 1) != 0) {
            out.write(0); // pad byte after an odd-sized data chunk
        }
    }

    private static void encode(float[] src, int from, int n, Encoding encoding, byte[] dst) {
        int p = 0;
        int end = from + n;
        switch (encoding) {
            case PCM_U8 -> {
                for (int i = from; i < end; i++) {
                    dst[p++] = (byte) (clamp(Math.round(src[i] * 128f), -128, 127) + 128);
                }
            }
            case PCM_16 -> {
                for (int i = from; i < end; i++, p += 2) {
                    int v = clamp(Math.round(src[i] * 32768f), -32768, 32767);
                    dst[p] = (byte) v;
                    dst[p + 1] = (byte) (v >> 8);
                }
            }
            case PCM_24 -> {
                for (int i = from; i < end; i++, p += 3) {
                    int v = clamp(Math.round(src[i] * 8388608f), -8388608, 8388607);
                    dst[p] = (byte) v;
                    dst[p + 1] = (byte) (v >> 8);
                    dst[p + 2] = (byte) (v >> 16);
                }
            }
            case PCM_32 -> {
                for (int i = from; i < end; i++, p += 4) {
                    long r = Math.round(src[i] * 2147483648.0);
                    int v = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
                    dst[p] = (byte) v;
                    dst[p + 1] = (byte) (v >> 8);
                    dst[p + 2] = (byte) (v >> 16);
                    dst[p + 3] = (byte) (v >> 24);
                }
            }
            case FLOAT_32 -> ByteBuffer.wrap(dst, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .put(src, from, n);
        }
    }

    // --------------------------------------------------------------------------------- helpers

    private static int clamp(int v, int lo, int hi) {
        return v < lo ? lo : Math.min(v, hi);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }

    private static byte[] bytes(String fourCc) {
        return fourCc.getBytes(StandardCharsets.US_ASCII);
    }

    private static String ascii(byte[] b, int i) {
        return new String(b, i, Math.min(4, b.length - i), StandardCharsets.ISO_8859_1);
    }

    /** A four-character code quoted, with unprintable bytes shown as hex. */
    private static String quote(String fourCc) {
        StringBuilder s = new StringBuilder("'");
        for (char c : fourCc.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                s.append(c);
            } else {
                s.append(String.format("\\x%02X", (int) c));
            }
        }
        return s.append('\'').toString();
    }

    private static String guid(byte[] b, int i) {
        ByteBuffer g = ByteBuffer.wrap(b, i, 16).order(ByteOrder.LITTLE_ENDIAN);
        return String.format("%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", g.getInt(),
                g.getShort() & 0xffff, g.getShort() & 0xffff, b[i + 8], b[i + 9], b[i + 10], b[i + 11],
                b[i + 12], b[i + 13], b[i + 14], b[i + 15]);
    }

    /** The common name of a WAVE format tag. */
    static String tagName(int tag) {
        return switch (tag) {
            case 0x0000 -> "unknown";
            case 0x0001 -> "PCM";
            case 0x0002 -> "ADPCM";
            case 0x0003 -> "IEEE float";
            case 0x0006 -> "A-law";
            case 0x0007 -> "mu-law";
            case 0x0011 -> "IMA ADPCM";
            case 0x0022 -> "TrueSpeech";
            case 0x0031 -> "GSM 6.10";
            case 0x0040 -> "G.721 ADPCM";
            case 0x0050 -> "MPEG";
            case 0x0055 -> "MPEG Layer 3";
            case 0x0092 -> "Dolby AC-3 SPDIF";
            case 0x00FF -> "AAC";
            case 0x0160, 0x0161, 0x0162, 0x0163 -> "Windows Media Audio";
            case 0x1610 -> "MPEG-4 AAC";
            case 0x2000 -> "Dolby AC-3";
            case 0xF1AC -> "FLAC";
            case 0xFFFE -> "WAVE_FORMAT_EXTENSIBLE";
            default -> String.format("0x%04X, unknown", tag);
        };
    }
}
