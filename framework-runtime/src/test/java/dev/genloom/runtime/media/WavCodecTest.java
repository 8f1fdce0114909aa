package dev.genloom.runtime.media;

import dev.genloom.api.media.Audio;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.runtime.media.WavCodec.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static dev.genloom.runtime.media.RiffBuilder.float32;
import static dev.genloom.runtime.media.RiffBuilder.float64;
import static dev.genloom.runtime.media.RiffBuilder.int16;
import static dev.genloom.runtime.media.RiffBuilder.int24;
import static dev.genloom.runtime.media.RiffBuilder.int32;
import static dev.genloom.runtime.media.RiffBuilder.le32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavCodecTest {

    /** One quantisation step of each encoding: the most a round trip may move a sample. */
    static float step(Encoding e) {
        return switch (e) {
            case PCM_U8 -> 1f / 128;
            case PCM_16 -> 1f / 32768;
            case PCM_24 -> 1f / 8388608;
            case PCM_32 -> 1f / 2147483648f;
            case FLOAT_32 -> 0f;
        };
    }

    /** Random samples in [-1, 1], with the extremes and silence among them. */
    static float[] signal(int frames, int channels, long seed) {
        Random r = new Random(seed);
        float[] s = new float[frames * channels];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextFloat() * 2 - 1;
        }
        if (s.length >= 3) {
            s[0] = 1f;
            s[1] = -1f;
            s[2] = 0f;
        }
        return s;
    }

    static Stream<Arguments> roundTripCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Encoding e : Encoding.values()) {
            for (int channels : new int[] {1, 2, 6}) {
                for (int rate : new int[] {8000, 22050, 44100, 48000, 96000}) {
                    b.add(Arguments.of(e, channels, rate));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} x {1} ch @ {2} Hz")
    @MethodSource("roundTripCases")
    void roundTripsWithinOneQuantisationStep(Encoding encoding, int channels, int rate) {
        int frames = 1001; // odd, so 8-bit mono needs a pad byte
        float[] in = signal(frames, channels, rate * 31L + channels);
        Audio audio = new Audio(in, rate, channels);

        byte[] wav = WavCodec.encode(audio, encoding);
        Audio back = WavCodec.decode(wav, "round trip");

        assertEquals(rate, back.sampleRate());
        assertEquals(channels, back.channels());
        assertEquals(frames, back.frames());
        float[] out = back.samples();
        if (encoding == Encoding.FLOAT_32) {
            assertArrayEquals(in, out);
        } else {
            float tol = step(encoding);
            for (int i = 0; i < in.length; i++) {
                assertEquals(in[i], out[i], tol, "sample " + i);
                assertTrue(out[i] >= -1f && out[i] <= 1f, "sample " + i + " out of range: " + out[i]);
            }
        }
        // RIFF size and file length agree, and the file length is even (pad byte present).
        assertEquals(wav.length - 8, ByteBuffer.wrap(wav, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(0, wav.length % 2);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void fmtChunkIsPlainOrExtensibleAsExpected(Encoding encoding) {
        for (int channels : new int[] {1, 2, 6}) {
            byte[] wav = WavCodec.encode(new Audio(new float[channels * 4], 16000, channels), encoding);
            ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("fmt ", new String(wav, 12, 4));
            int fmtSize = b.getInt(16);
            int tag = b.getShort(20) & 0xffff;
            boolean extensible = channels > 2 || encoding == Encoding.PCM_24 || encoding == Encoding.PCM_32;
            String what = encoding + " x " + channels;
            if (extensible) {
                assertEquals(40, fmtSize, what);
                assertEquals(0xFFFE, tag, what);
                assertEquals(encoding.bitsPerSample(), b.getShort(38), what + " valid bits");
                assertEquals(WavCodec.channelMask(channels), b.getInt(40), what + " channel mask");
                assertEquals(encoding.isFloat() ? 3 : 1, b.getShort(44), what + " sub-format");
            } else {
                assertEquals(16, fmtSize, what);
                assertEquals(encoding.isFloat() ? 3 : 1, tag, what);
            }
            assertEquals(channels, b.getShort(22));
            assertEquals(16000, b.getInt(24));
            assertEquals(16000 * channels * encoding.bytesPerSample(), b.getInt(28), "byte rate");
            assertEquals(channels * encoding.bytesPerSample(), b.getShort(32), "block align");
            boolean hasFact = new String(wav, 20 + fmtSize, 4).equals("fact");
            assertEquals(encoding.isFloat(), hasFact, what + " fact chunk");
        }
        assertEquals(0x3F, WavCodec.channelMask(6));
    }

    @Test
    void quantisesWithRoundingAndClamping() {
        float[] in = {1f, -1f, 2f, -3f, 0.5f, 1.6f / 32768, -1.4f / 32768, Float.NaN, 0f};
        byte[] wav = WavCodec.encode(Audio.mono(in, 8000), Encoding.PCM_16);
        ByteBuffer data = ByteBuffer.wrap(wav, 44, in.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        short[] q = new short[in.length];
        data.asShortBuffer().get(q);
        assertArrayEquals(new short[] {32767, -32768, 32767, -32768, 16384, 2, -1, 0, 0}, q);

        byte[] u8 = WavCodec.encode(Audio.mono(new float[] {1f, -1f, 0f, 0.5f, -0.5f, 5f}, 8000), Encoding.PCM_U8);
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 128, (byte) 192, 64, (byte) 255},
                Arrays.copyOfRange(u8, 44, 50));

        byte[] p24 = WavCodec.encode(Audio.mono(new float[] {1f, -1f}, 8000), Encoding.PCM_24);
        int dataAt = p24.length - 6;
        assertArrayEquals(int24(8388607, -8388608), Arrays.copyOfRange(p24, dataAt, dataAt + 6));

        byte[] p32 = WavCodec.encode(Audio.mono(new float[] {1f, -1f, 0.25f}, 8000), Encoding.PCM_32);
        dataAt = p32.length - 12;
        assertArrayEquals(int32(Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 29), Arrays.copyOfRange(p32, dataAt, dataAt + 12));
    }

    @Test
    void emptyAudioRoundTrips() {
        for (Encoding e : Encoding.values()) {
            Audio back = WavCodec.decode(WavCodec.encode(new Audio(new float[0], 44100, 2), e), "empty");
            assertTrue(back.isEmpty());
            assertEquals(44100, back.sampleRate());
            assertEquals(2, back.channels());
        }
    }

    @Test
    void writesFilesCreatingFoldersAndReadsThemBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a/b/c/out.wav");
        Audio audio = new Audio(signal(4410, 2, 7), 44100, 2);
        WavCodec.write(audio, file, Encoding.FLOAT_32);
        assertTrue(Files.isRegularFile(file));
        assertEquals(audio, WavCodec.read(file));

        WavCodec.write(audio, file); // PCM_16, over the old file
        Audio back = WavCodec.read(file);
        assertEquals(audio.frames(), back.frames());
        assertEquals(44 + 4410 * 2 * 2, Files.size(file));
    }

    @Test
    void longAudioSurvivesBlockBoundaries() {
        // 6 channels x 24 bit = 18-byte frames, which do not divide the codec's 64 KiB blocks.
        int frames = 48000 * 5 + 7;
        Audio audio = new Audio(signal(frames, 6, 99), 48000, 6);
        Audio back = WavCodec.decode(WavCodec.encode(audio, Encoding.PCM_24), "long");
        float[] a = audio.samples();
        float[] b = back.samples();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > step(Encoding.PCM_24)) {
                throw new AssertionError("sample " + i + ": " + a[i] + " vs " + b[i]);
            }
        }
    }

    @Test
    void readsFromAStreamThatTricklesFewBytesAtATime() {
        Audio audio = new Audio(signal(3000, 2, 5), 22050, 2);
        byte[] wav = WavCodec.encode(audio, Encoding.FLOAT_32);
        InputStream trickle = new ByteArrayInputStream(wav) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3));
            }

            @Override
            public synchronized long skip(long n) {
                return super.skip(Math.min(n, 1));
            }
        };
        assertEquals(audio, WavCodec.read(trickle, "trickle"));
    }

    // ------------------------------------------------------------------ hand-assembled files

    @Test
    void readsAHandAssembledFileWithListAndOddSizedChunks() {
        byte[] wav = RiffBuilder.wave()
                .chunk("LIST", "INFOISFT\u0005\u0000\u0000\u0000test\u0000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                .chunk("junk", new byte[] {1, 2, 3})          // odd: pad byte follows
                .fmt(1, 2, 16000, 16)
                .chunk("odd ", new byte[] {9})                // odd again, between fmt and data
                .chunk("data", int16(0, 32767, -32768, 16384, -1, 1))
                .chunk("LIST", new byte[] {1, 2, 3, 4, 5})    // after data: never read
                .build();
        Audio a = WavCodec.decode(wav, "hand.wav");
        assertEquals(16000, a.sampleRate());
        assertEquals(2, a.channels());
        assertEquals(3, a.frames());
        assertArrayEquals(new float[] {0f, 32767f / 32768, -1f, 0.5f, -1f / 32768, 1f / 32768}, a.samples());
    }

    @Test
    void readsEveryPcmAndFloatDepth() {
        Audio u8 = WavCodec.decode(RiffBuilder.wave().fmt(1, 1, 8000, 8)
                .chunk("data", new byte[] {0, (byte) 128, (byte) 255, 64, (byte) 192}).build(), "u8");
        assertArrayEquals(new float[] {-1f, 0f, 127f / 128, -0.5f, 0.5f}, u8.samples());

        Audio s24 = WavCodec.decode(RiffBuilder.wave().fmt(1, 1, 8000, 24)
                .chunk("data", int24(8388607, -8388608, 4194304, -1)).build(), "s24");
        assertArrayEquals(new float[] {8388607f / 8388608, -1f, 0.5f, -1f / 8388608}, s24.samples());

        Audio s32 = WavCodec.decode(RiffBuilder.wave().fmt(1, 1, 8000, 32)
                .chunk("data", int32(Integer.MIN_VALUE, 1 << 30, -(1 << 29))).build(), "s32");
        assertArrayEquals(new float[] {-1f, 0.5f, -0.25f}, s32.samples());

        Audio f32 = WavCodec.decode(RiffBuilder.wave().fmt(3, 2, 44100, 32)
                .chunk("fact", le32(2)).chunk("data", float32(0.25f, -0.75f, 1f, -1f)).build(), "f32");
        assertArrayEquals(new float[] {0.25f, -0.75f, 1f, -1f}, f32.samples());

        Audio f64 = WavCodec.decode(RiffBuilder.wave().fmt(3, 1, 96000, 64)
                .chunk("data", float64(0.125, -0.5, 0.1)).build(), "f64");
        assertArrayEquals(new float[] {0.125f, -0.5f, 0.1f}, f64.samples());
        assertEquals(96000, f64.sampleRate());
    }

    @Test
    void readsWaveFormatExtensible() {
        // 20 valid bits in a 24-bit container, 6 channels (5.1), PCM sub-format.
        int[] values = new int[12];
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) {
            int twentyBit = (i - 6) * 40000;                  // within +-2^19
            values[i] = twentyBit << 4;                       // left-justified in 24 bits
            expected[i] = values[i] / 8388608f;
        }
        Audio pcm = WavCodec.decode(RiffBuilder.wave().fmtExtensible(1, 6, 48000, 24, 20, 0x3F)
                .chunk("data", int24(values)).build(), "ext-pcm");
        assertEquals(6, pcm.channels());
        assertEquals(2, pcm.frames());
        assertArrayEquals(expected, pcm.samples());

        Audio flt = WavCodec.decode(RiffBuilder.wave().fmtExtensible(3, 2, 32000, 32, 32, 0x3)
                .chunk("fact", le32(1)).chunk("data", float32(0.5f, -0.125f)).build(), "ext-float");
        assertArrayEquals(new float[] {0.5f, -0.125f}, flt.samples());

        Audio s16 = WavCodec.decode(RiffBuilder.wave().fmtExtensible(1, 1, 8000, 16, 16, 0x4)
                .chunk("data", int16(-16384)).build(), "ext-16");
        assertArrayEquals(new float[] {-0.5f}, s16.samples());
    }

    @Test
    void streamingDataSizesAreReadToTheEnd() {
        byte[] samples = int16(100, -100, 200, -200, 300);
        for (long declared : new long[] {0L, 0xFFFFFFFFL}) {
            byte[] wav = RiffBuilder.wave().riffSize(declared).fmt(1, 1, 8000, 16)
                    .chunk("data", declared, samples, false).build();
            Audio a = WavCodec.decode(wav, "stream");
            assertEquals(5, a.frames(), "declared " + declared);
            assertEquals(300f / 32768, a.samples()[4]);

            // A stream cut inside a frame keeps the whole frames.
            byte[] cut = Arrays.copyOf(wav, wav.length - 1);
            assertEquals(4, WavCodec.decode(cut, "cut").frames());
        }
        // Declared zero and truly nothing there: empty audio.
        Audio empty = WavCodec.decode(RiffBuilder.wave().fmt(1, 2, 8000, 16).chunk("data", new byte[0]).build(), "e");
        assertTrue(empty.isEmpty());
    }

    // ----------------------------------------------------------------------------- errors

    static GenloomException fails(byte[] wav, String where, String... reasons) {
        GenloomException e = assertThrows(GenloomException.class, () -> WavCodec.decode(wav, where));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(where), "no '" + where + "' in: " + e.getMessage());
        for (String r : reasons) {
            assertTrue(e.getMessage().contains(r), "no '" + r + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void refusesWhatIsNotRiffWave() {
        fails(new byte[0], "empty.wav", "empty");
        fails("ID3\u0003 an mp3 file".getBytes(), "song.mp3", "not RIFF", "'ID3\\x03'");
        fails(RiffBuilder.riff("RIFF", "AVI ").chunk("avih", new byte[8]).build(), "movie.avi",
                "not WAVE", "'AVI '");
        fails(RiffBuilder.riff("RIFX", "WAVE").build(), "mac.wav", "RIFX", "not supported");
        fails(RiffBuilder.riff("RF64", "WAVE").build(), "big.wav", "RF64", "not supported");
        fails("RIFF\u0010\u0000".getBytes(), "short.wav", "truncated", "12 bytes", "6");
    }

    @Test
    void refusesMissingChunks() {
        fails(RiffBuilder.wave().chunk("LIST", new byte[4]).build(), "nofmt.wav", "no fmt chunk");
        fails(RiffBuilder.wave().chunk("data", int16(1, 2)).fmt(1, 1, 8000, 16).build(), "order.wav",
                "no fmt chunk", "data chunk at byte 12");
        fails(RiffBuilder.wave().fmt(1, 1, 8000, 16).chunk("LIST", new byte[3]).build(), "nodata.wav",
                "no data chunk");
    }

    @Test
    void refusesUnsupportedFormats() {
        fails(RiffBuilder.wave().fmt(2, 1, 8000, 2, 4).chunk("data", new byte[4]).build(), "adpcm.wav",
                "format tag 2 (ADPCM) is not supported; convert to PCM or float");
        fails(RiffBuilder.wave().fmt(0x55, 2, 44100, 1, 0).chunk("data", new byte[4]).build(), "mp3.wav",
                "format tag 85 (MPEG Layer 3)", "not supported");
        fails(RiffBuilder.wave().fmtExtensible(7, 1, 8000, 8, 8, 4).chunk("data", new byte[4]).build(), "ulaw.wav",
                "format tag 7 (mu-law) in WAVE_FORMAT_EXTENSIBLE is not supported");
        byte[] odd = RiffBuilder.wave().fmtExtensible(1, 1, 8000, 16, 16, 4).chunk("data", new byte[4]).build();
        odd[20 + 8 + 24 + 5] = 0x42; // spoil the GUID's tail
        fails(odd, "guid.wav", "unknown sub-format GUID");
        fails(RiffBuilder.wave().fmt(1, 1, 8000, 5, 40).chunk("data", new byte[10]).build(), "deep.wav",
                "unsupported bit depth", "40-bit");
        fails(RiffBuilder.wave().fmt(3, 1, 8000, 2, 16).chunk("data", new byte[10]).build(), "half.wav",
                "unsupported bit depth", "16-bit float");
        fails(RiffBuilder.wave().fmt(1, 2, 8000, 2, 16).chunk("data", new byte[8]).build(), "align.wav",
                "block-align mismatch", "says 2 bytes", "take 4");
        fails(RiffBuilder.wave().fmtExtensible(1, 1, 8000, 16, 24, 4).chunk("data", new byte[4]).build(), "valid.wav",
                "24 valid bits in a 16-bit");
        fails(RiffBuilder.wave().fmt(1, 0, 8000, 0, 16).chunk("data", new byte[4]).build(), "zero.wav", "0 channels");
        fails(RiffBuilder.wave().chunk("fmt ", new byte[14]).chunk("data", new byte[4]).build(), "tiny.wav",
                "fmt chunk", "14 bytes");
    }

    @Test
    void refusesTruncatedFiles() {
        byte[] full = RiffBuilder.wave().fmt(1, 1, 8000, 16).chunk("data", 1000, int16(1, 2, 3, 4, 5), false).build();
        fails(full, "cut.wav", "truncated", "data chunk", "declares 1000 bytes", "only 10");

        byte[] halfHeader = Arrays.copyOf(RiffBuilder.wave().fmt(1, 1, 8000, 16).build(), 12 + 24 + 3);
        fails(halfHeader, "hdr.wav", "truncated", "chunk header", "only 3");

        byte[] halfFmt = Arrays.copyOf(RiffBuilder.wave().fmt(1, 1, 8000, 16).build(), 12 + 8 + 10);
        fails(halfFmt, "fmt.wav", "truncated", "fmt chunk", "declares 16", "only 10");

        byte[] halfList = RiffBuilder.wave().chunk("LIST", 500, new byte[20], false).build();
        fails(halfList, "list.wav", "truncated", "'LIST'", "500", "only 20");
    }

    @Test
    void readsWhatIsThereOfADataChunkCutShortWhenAskedTo() {
        // 5 frames of stereo 16-bit declared as 1000 bytes; the last frame is cut mid-sample
        byte[] cut = RiffBuilder.wave().fmt(1, 2, 8000, 16)
                .chunk("data", 1000, int16(100, -100, 200, -200, 300, -300, 400, -400, 500), false).build();
        java.util.List<String> told = new java.util.ArrayList<>();
        Audio a = WavCodec.read(new ByteArrayInputStream(cut), "cut.wav", told::add);
        assertEquals(2, a.channels());
        assertEquals(4, a.frames());
        assertArrayEquals(new float[] {100 / 32768f, -100 / 32768f, 200 / 32768f, -200 / 32768f,
                300 / 32768f, -300 / 32768f, 400 / 32768f, -400 / 32768f}, a.samples());
        assertEquals(1, told.size());
        assertTrue(told.get(0).contains("cut.wav") && told.get(0).contains("declares 1000 bytes")
                && told.get(0).contains("only 18") && told.get(0).contains("4 whole frames"), told.get(0));

        // a whole file says nothing; a header cut short stays an error
        told.clear();
        byte[] whole = RiffBuilder.wave().fmt(1, 1, 8000, 16).chunk("data", int16(1, 2, 3)).build();
        assertEquals(3, WavCodec.read(new ByteArrayInputStream(whole), "whole.wav", told::add).frames());
        assertTrue(told.isEmpty());
        byte[] halfFmt = Arrays.copyOf(RiffBuilder.wave().fmt(1, 1, 8000, 16).build(), 12 + 8 + 10);
        GenloomException e = assertThrows(GenloomException.class,
                () -> WavCodec.read(new ByteArrayInputStream(halfFmt), "fmt.wav", told::add));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(told.isEmpty());
    }

    @Test
    void codingsItDoesNotDecodeAreMarkedSoACallerCanHandThemOn() {
        for (byte[] wav : java.util.List.of(
                RiffBuilder.wave().fmt(7, 1, 8000, 8).chunk("data", new byte[4]).build(),
                RiffBuilder.wave().fmt(2, 1, 8000, 4).chunk("data", new byte[4]).build(),
                RiffBuilder.riff("RF64", "WAVE").build(),
                RiffBuilder.riff("RIFX", "WAVE").build())) {
            GenloomException e = assertThrows(GenloomException.class, () -> WavCodec.decode(wav, "x.wav"));
            assertTrue(e instanceof WavCodec.UnsupportedWavException, e.getClass() + ": " + e.getMessage());
            assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        }
        // malformed files are not "unsupported": no other decoder should get them
        GenloomException e = assertThrows(GenloomException.class, () -> WavCodec.decode(
                RiffBuilder.wave().fmt(1, 0, 8000, 0, 16).chunk("data", new byte[4]).build(), "zero.wav"));
        assertFalse(e instanceof WavCodec.UnsupportedWavException, e.getMessage());
    }

    @Test
    void pathErrorsNameThePath(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.wav");
        GenloomException e = assertThrows(GenloomException.class, () -> WavCodec.read(missing));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("not found"), e.getMessage());

        e = assertThrows(GenloomException.class, () -> WavCodec.read(dir));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("directory"), e.getMessage());

        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "hello, this is text and not audio");
        e = assertThrows(GenloomException.class, () -> WavCodec.read(text));
        assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("not RIFF"), e.getMessage());

        e = assertThrows(GenloomException.class,
                () -> WavCodec.write(Audio.mono(new float[4], 8000), dir, Encoding.PCM_16));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("directory"), e.getMessage());

        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        e = assertThrows(GenloomException.class,
                () -> WavCodec.write(Audio.mono(new float[4], 8000), blocker.resolve("sub/out.wav"), Encoding.PCM_16));
        assertEquals(ErrorKind.IO, e.kind());
        assertTrue(e.getMessage().contains("out.wav"), e.getMessage());
    }

    @Test
    void streamFailuresAreIoErrors() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        GenloomException e = assertThrows(GenloomException.class, () -> WavCodec.read(broken, "upload #7"));
        assertEquals(ErrorKind.IO, e.kind());
        assertTrue(e.getMessage().contains("upload #7") && e.getMessage().contains("disk on fire"), e.getMessage());

        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("no space left");
            }
        };
        e = assertThrows(GenloomException.class,
                () -> WavCodec.write(Audio.mono(new float[10], 8000), full, Encoding.PCM_16));
        assertEquals(ErrorKind.IO, e.kind());
        assertTrue(e.getMessage().contains("no space left"), e.getMessage());
    }

    @Test
    void writingToAStreamLeavesItOpen() {
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        WavCodec.write(Audio.mono(new float[] {0.5f}, 8000), out, Encoding.PCM_16);
        assertFalse(closed[0]);
        assertEquals(46, out.size());
    }
}
