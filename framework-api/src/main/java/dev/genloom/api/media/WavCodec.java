package dev.genloom.api.media;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/** Reads and writes WAV files. (Being written: see the media helper's task.) */
public final class WavCodec {
    /** The sample encodings WAV files are written in. */
    public enum Encoding { PCM_U8, PCM_16, PCM_24, PCM_32, FLOAT_32 }

    private WavCodec() {
    }

    public static Audio read(Path file) {
        throw new UnsupportedOperationException("TODO");
    }

    public static Audio read(InputStream in, String where) {
        throw new UnsupportedOperationException("TODO");
    }

    public static void write(Audio audio, Path file, Encoding encoding) {
        throw new UnsupportedOperationException("TODO");
    }

    public static void write(Audio audio, OutputStream out, Encoding encoding) {
        throw new UnsupportedOperationException("TODO");
    }
}
