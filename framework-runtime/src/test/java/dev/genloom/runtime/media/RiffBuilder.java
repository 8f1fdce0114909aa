package dev.genloom.runtime.media;

import dev.genloom.api.media.Audio;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Assembles RIFF files byte by byte for tests, independently of {@link WavCodec}'s writer. */
final class RiffBuilder {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final String magic;
    private final String form;
    private Long riffSize;

    private RiffBuilder(String magic, String form) {
        this.magic = magic;
        this.form = form;
    }

    static RiffBuilder wave() {
        return new RiffBuilder("RIFF", "WAVE");
    }

    static RiffBuilder riff(String magic, String form) {
        return new RiffBuilder(magic, form);
    }

    /** Declares this RIFF size instead of the true one. */
    RiffBuilder riffSize(long size) {
        riffSize = size;
        return this;
    }

    /** A chunk with its true size, followed by a pad byte where the size is odd. */
    RiffBuilder chunk(String id, byte[] payload) {
        return chunk(id, payload.length, payload, true);
    }

    /** A chunk that declares {@code declared} bytes but holds {@code payload}. */
    RiffBuilder chunk(String id, long declared, byte[] payload, boolean pad) {
        body.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(le32(declared));
        body.writeBytes(payload);
        if (pad && (payload.length & 1) != 0) {
            body.write(0);
        }
        return this;
    }

    RiffBuilder raw(byte[] bytes) {
        body.writeBytes(bytes);
        return this;
    }

    /** A 16-byte fmt chunk. */
    RiffBuilder fmt(int tag, int channels, int rate, int bits) {
        int block = channels * ((bits + 7) / 8);
        return fmt(tag, channels, rate, block, bits);
    }

    RiffBuilder fmt(int tag, int channels, int rate, int blockAlign, int bits) {
        ByteBuffer b = le(16);
        b.putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits);
        return chunk("fmt ", b.array());
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with a standard sub-format GUID. */
    RiffBuilder fmtExtensible(int subTag, int channels, int rate, int containerBits, int validBits, int mask) {
        int block = channels * containerBits / 8;
        ByteBuffer b = le(40);
        b.putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * block)
                .putShort((short) block).putShort((short) containerBits)
                .putShort((short) 22).putShort((short) validBits).putInt(mask)
                .putShort((short) subTag)
                .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        return chunk("fmt ", b.array());
    }

    byte[] build() {
        byte[] payload = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(magic.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le32(riffSize != null ? riffSize : 4 + payload.length));
        out.writeBytes(form.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] le32(long v) {
        return le(4).putInt((int) v).array();
    }

    static byte[] int16(int... values) {
        ByteBuffer b = le(values.length * 2);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    static byte[] int24(int... values) {
        byte[] out = new byte[values.length * 3];
        for (int i = 0; i < values.length; i++) {
            out[i * 3] = (byte) values[i];
            out[i * 3 + 1] = (byte) (values[i] >> 8);
            out[i * 3 + 2] = (byte) (values[i] >> 16);
        }
        return out;
    }

    static byte[] int32(int... values) {
        ByteBuffer b = le(values.length * 4);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] float32(float... values) {
        ByteBuffer b = le(values.length * 4);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] float64(double... values) {
        ByteBuffer b = le(values.length * 8);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }
}
