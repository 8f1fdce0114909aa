package dev.genloom.api.media;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AudioStreamTest {

    static Audio noise(int frames, int rate, int channels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[frames * channels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1) * 0.5f;
        }
        return new Audio(x, rate, channels);
    }

    /** Reads a stream in blocks of the given sizes, round robin. */
    static float[] drain(AudioStream s, int... blocks) {
        float[] all = new float[0];
        float[] buf = new float[4096 * s.channels()];
        int i = 0;
        int n;
        while ((n = s.read(buf, blocks[i++ % blocks.length])) >= 0) {
            float[] grown = java.util.Arrays.copyOf(all, all.length + n * s.channels());
            System.arraycopy(buf, 0, grown, all.length, n * s.channels());
            all = grown;
        }
        return all;
    }

    @ParameterizedTest
    @CsvSource({"44100, 16000, 2", "48000, 16000, 1", "8000, 16000, 1", "22050, 16000, 6", "16000, 16000, 2",
            "11025, 16000, 1"})
    void monoAtAStreamGivesTheSamplesOfMonoAtTheWholeSound(int from, int to, int channels) {
        Audio a = noise(from * 3 + 17, from, channels, from + channels);
        float[] whole = a.monoAt(to).samples();
        float[] streamed = drain(AudioStream.of(a).monoAt(to), 1000, 1, 4096, 333);
        assertEquals(whole.length, streamed.length);
        assertArrayEquals(whole, streamed, "bit for bit");
    }

    @Test
    void theStreamingResamplerHoldsOnlyTheFilterReach() {
        Resampler r = Resampler.of(48000, 16000);
        Resampler.Streaming s = r.streaming();
        float[] block = new float[4800];
        float[] out = new float[4800];
        for (int i = 0; i < 2000; i++) { // 200 s of input
            s.push(block, 0, block.length);
            while (s.drain(out, 0, out.length) > 0) {
                // drained
            }
        }
        s.finish();
        int rest = 0;
        int n;
        while ((n = s.drain(out, 0, out.length)) > 0) {
            rest += n;
        }
        assertEquals(true, rest < 100, "only the filter's reach is left at the end: " + rest);
    }

    @Test
    void readAllOfAStreamIsTheSound() {
        Audio a = noise(10_000, 16000, 2, 3);
        assertEquals(a, AudioStream.of(a).readAll());
        AudioStream s = AudioStream.of(a);
        s.read(new float[200], 100);
        Audio rest = s.readAll();
        assertEquals(9_900, rest.frames());
    }
}
