package dev.genloom.runtime.media;

import dev.genloom.api.media.Audio;
import dev.genloom.runtime.media.WavCodec.Encoding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files written by {@link WavCodec} are read by the JDK's own WAV readers (javax.sound.sampled), an
 * independent parser, and decode to the same samples.
 */
class WavJavaSoundTest {

    static Stream<Arguments> formatsTheJdkReads() {
        // The JDK reads plain PCM (tag 1), IEEE float (tag 3) and WAVE_FORMAT_EXTENSIBLE.
        return Stream.of(
                Arguments.of(Encoding.PCM_U8, 1, 8000),
                Arguments.of(Encoding.PCM_U8, 2, 22050),
                Arguments.of(Encoding.PCM_16, 1, 16000),
                Arguments.of(Encoding.PCM_16, 2, 44100),
                Arguments.of(Encoding.PCM_16, 6, 48000),
                Arguments.of(Encoding.PCM_24, 1, 48000),
                Arguments.of(Encoding.PCM_24, 2, 96000),
                Arguments.of(Encoding.PCM_32, 2, 44100),
                Arguments.of(Encoding.FLOAT_32, 1, 44100),
                Arguments.of(Encoding.FLOAT_32, 2, 48000));
    }

    @ParameterizedTest(name = "{0} x {1} ch @ {2} Hz")
    @MethodSource("formatsTheJdkReads")
    void jdkReadsWhatWeWrite(Encoding encoding, int channels, int rate) throws Exception {
        int frames = 777;
        float[] in = WavCodecTest.signal(frames, channels, 42 + channels);
        Audio audio = new Audio(in, rate, channels);
        byte[] wav = WavCodec.encode(audio, encoding);

        float[] jdk;
        try (AudioInputStream ais = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat f = ais.getFormat();
            assertEquals(rate, f.getSampleRate(), 0.0);
            assertEquals(channels, f.getChannels());
            assertEquals(encoding.bitsPerSample(), f.getSampleSizeInBits());
            assertEquals(frames, ais.getFrameLength());
            AudioFormat.Encoding expected = switch (encoding) {
                case PCM_U8 -> AudioFormat.Encoding.PCM_UNSIGNED;
                case FLOAT_32 -> AudioFormat.Encoding.PCM_FLOAT;
                default -> AudioFormat.Encoding.PCM_SIGNED;
            };
            assertEquals(expected, f.getEncoding());
            jdk = decode(ais.readAllBytes(), f);
        }
        float[] ours = WavCodec.decode(wav, "ours").samples();
        assertArrayEquals(jdk, ours, "our reader and the JDK's disagree");
        float tol = WavCodecTest.step(encoding);
        for (int i = 0; i < in.length; i++) {
            assertEquals(in[i], jdk[i], tol, "sample " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdkWrites")
    void weReadWhatTheJdkWrites(int bits, boolean signed, int channels) throws Exception {
        int frames = 500;
        int bytes = bits / 8;
        byte[] pcm = new byte[frames * channels * bytes];
        new java.util.Random(bits * 10L + channels).nextBytes(pcm);
        AudioFormat format = new AudioFormat(22050f, bits, channels, signed, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, frames),
                javax.sound.sampled.AudioFileFormat.Type.WAVE, out);
        Audio a = WavCodec.decode(out.toByteArray(), "jdk-written");
        assertEquals(22050, a.sampleRate());
        assertEquals(channels, a.channels());
        assertArrayEquals(decode(pcm, format), a.samples());
    }

    static Stream<Arguments> jdkWrites() {
        return Stream.of(Arguments.of(8, false, 1), Arguments.of(16, true, 1), Arguments.of(16, true, 2));
    }

    /** Decodes raw sample bytes as the JDK describes them: an independent decoder for the test. */
    static float[] decode(byte[] data, AudioFormat f) {
        int bytes = f.getSampleSizeInBits() / 8;
        float[] out = new float[data.length / bytes];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data)
                .order(f.isBigEndian() ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            int at = i * bytes;
            if (f.getEncoding() == AudioFormat.Encoding.PCM_FLOAT) {
                out[i] = b.getFloat(at);
            } else if (f.getEncoding() == AudioFormat.Encoding.PCM_UNSIGNED) {
                out[i] = ((data[at] & 0xff) - 128) / 128f;
            } else {
                long v = 0;
                for (int k = 0; k < bytes; k++) {
                    int idx = f.isBigEndian() ? at + k : at + bytes - 1 - k;
                    v = (v << 8) | (data[idx] & 0xff);
                }
                v = (v << (64 - 8 * bytes)) >> (64 - 8 * bytes); // sign-extend
                out[i] = (float) (v / Math.pow(2, 8 * bytes - 1));
            }
        }
        return out;
    }
}
