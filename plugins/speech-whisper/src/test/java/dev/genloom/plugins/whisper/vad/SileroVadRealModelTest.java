package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.media.Audio;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.runtime.Genloom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Silero VAD v5 on its own {@code test.wav} (60 s of speech with pauses), checked against
 * what the audio itself shows: its energy envelope, and silence put in by the test.
 */
class SileroVadRealModelTest {
    static final int RATE = 16_000;
    static final int FRAME = 1600; // 100 ms energy frames
    static final double PAUSE_DB = -45; // a pause: at least 600 ms below -45 dBFS
    static final int PAUSE_FRAMES = 6;
    static final int EDGE = 4000;       // 250 ms at each side of a pause left out

    static Genloom genloom;
    static SileroVad vad;
    static Audio speech;

    @BeforeAll
    static void open() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS not set: skipping the tests against the real Silero VAD model");
        Path folder = Path.of(dir, "silero-vad");
        Assumptions.assumeTrue(Files.isRegularFile(folder.resolve(SileroVad.FILE_NAME)),
                "no " + folder.resolve(SileroVad.FILE_NAME) + ": skipping the real Silero VAD tests");
        genloom = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build();
        vad = SileroVad.open(genloom.sessions(), folder.resolve(SileroVad.FILE_NAME));
        speech = WavCodec.read(folder.resolve("test.wav"));
    }

    @AfterAll
    static void close() {
        if (vad != null) {
            vad.close();
        }
        if (genloom != null) {
            genloom.close();
        }
    }

    /** RMS level of each 100 ms frame, in dB below full scale. */
    static double[] levels(float[] x) {
        double[] db = new double[x.length / FRAME];
        for (int f = 0; f < db.length; f++) {
            double sum = 0;
            for (int i = f * FRAME; i < (f + 1) * FRAME; i++) {
                sum += x[i] * x[i];
            }
            db[f] = 10 * Math.log10(sum / FRAME + 1e-12);
        }
        return db;
    }

    static boolean inside(List<SpeechRegion> regions, long sample) {
        for (SpeechRegion r : regions) {
            if (r.contains(sample)) {
                return true;
            }
        }
        return false;
    }

    static boolean overlaps(List<SpeechRegion> regions, long from, long to) {
        for (SpeechRegion r : regions) {
            if (r.startSample() < to && r.endSample() > from) {
                return true;
            }
        }
        return false;
    }

    static double seconds(List<SpeechRegion> regions) {
        return regions.stream().mapToLong(SpeechRegion::length).sum() / (double) RATE;
    }

    /** Stretches of at least {@code minFrames} frames quieter than {@code db}, as [first, last+1) frames. */
    static List<int[]> quietRuns(double[] level, double db, int minFrames) {
        List<int[]> runs = new ArrayList<>();
        int start = -1;
        for (int f = 0; f <= level.length; f++) {
            boolean quiet = f < level.length && level[f] < db;
            if (quiet && start < 0) {
                start = f;
            } else if (!quiet && start >= 0) {
                if (f - start >= minFrames) {
                    runs.add(new int[] {start, f});
                }
                start = -1;
            }
        }
        return runs;
    }

    @Test
    void theSpeechOfTestWavIsFoundWhereTheAudioIsLoudAndNotInItsLongPauses() {
        assertEquals(RATE, speech.sampleRate());
        float[] x = speech.samples();
        List<SpeechRegion> regions = vad.detect(speech, VadOptions.DEFAULTS);
        System.out.println("Silero VAD regions of test.wav: "
                + regions.stream().map(r -> r.toString(RATE)).toList());

        long previousEnd = 0;
        for (SpeechRegion r : regions) {
            assertTrue(r.startSample() >= previousEnd && r.endSample() <= x.length, "ordered, inside: " + r);
            previousEnd = r.endSample();
        }
        double[] level = levels(x);
        // loud frames (above -25 dBFS, clearly voiced) lie inside the regions
        int loud = 0;
        int loudInside = 0;
        for (int f = 0; f < level.length; f++) {
            if (level[f] > -25) {
                loud++;
                loudInside += inside(regions, f * FRAME + FRAME / 2) ? 1 : 0;
            }
        }
        assertTrue(loud > 100, "test.wav has plenty of loud frames: " + loud);
        assertTrue(loudInside >= 0.95 * loud, loudInside + " of " + loud + " loud frames inside the regions");

        // the pauses: 600 ms or more below -45 dBFS; their inner part is outside every region. The
        // edges are left out: soft onsets and tails (the model hears speech at -44 dBFS near 46.7 s)
        // and the 30 ms padding move region edges from where the level crosses the line.
        List<int[]> pauses = quietRuns(level, PAUSE_DB, PAUSE_FRAMES);
        assertTrue(pauses.size() >= 5, "test.wav has long pauses: " + pauses.size());
        for (int[] p : pauses) {
            long from = (long) p[0] * FRAME + EDGE;
            long to = (long) p[1] * FRAME - EDGE;
            assertTrue(!overlaps(regions, from, to), "pause " + from / (double) RATE + "-" + to / (double) RATE
                    + " s is not speech");
        }
        // speech is most of it, but not all
        double fraction = seconds(regions) / speech.durationSeconds();
        assertTrue(fraction > 0.6 && fraction < 0.95, "speech fraction " + fraction);
    }

    @Test
    void probabilitiesAreHighInLoudFramesAndLowInThePauses() {
        float[] x = speech.samples();
        float[] p = vad.probabilities(x, RATE);
        assertEquals((x.length + 511) / 512, p.length);
        double[] level = levels(x);
        double loudSum = 0;
        int loudN = 0;
        double quietSum = 0;
        int quietN = 0;
        for (int w = 0; w < p.length; w++) {
            int f = (w * 512 + 256) / FRAME;
            if (f >= level.length) {
                break;
            }
            if (level[f] > -25) {
                loudSum += p[w];
                loudN++;
            }
        }
        for (int[] run : quietRuns(level, PAUSE_DB, PAUSE_FRAMES)) {
            for (int w = (run[0] * FRAME + EDGE) / 512; w < (run[1] * FRAME - EDGE) / 512; w++) {
                quietSum += p[w];
                quietN++;
            }
        }
        double loudMean = loudSum / loudN;
        double quietMean = quietSum / quietN;
        System.out.printf("mean speech probability: %.3f in %d loud windows, %.3f in %d pause windows%n",
                loudMean, loudN, quietMean, quietN);
        assertTrue(loudMean > 0.85, "loud: " + loudMean);
        assertTrue(quietMean < 0.1, "pauses: " + quietMean);
    }

    @Test
    void threeSecondsOfSilenceBetweenTwoCopiesIsAGapAtItsPlace() {
        float[] x = speech.samples();
        // 3 s rounded up to whole 512-sample windows (3.008 s), so that the second copy meets the
        // windows where the first did: regions then differ only by what the state remembers
        int gap = (3 * RATE + 511) / 512 * 512;
        float[] joined = new float[2 * x.length + gap];
        System.arraycopy(x, 0, joined, 0, x.length);
        System.arraycopy(x, 0, joined, x.length + gap, x.length);
        List<SpeechRegion> once = vad.detect(x, RATE, VadOptions.DEFAULTS);
        List<SpeechRegion> twice = vad.detect(joined, RATE, VadOptions.DEFAULTS);

        long silenceFrom = x.length;
        long silenceTo = x.length + gap;
        long tolerance = RATE / 10;
        assertTrue(!overlaps(twice, silenceFrom + tolerance, silenceTo - tolerance),
                "the inserted silence is not speech: " + twice);
        SpeechRegion firstAfter = twice.stream().filter(r -> r.startSample() >= silenceFrom).findFirst().orElseThrow();
        assertTrue(Math.abs(firstAfter.startSample() - silenceTo) <= tolerance,
                "speech comes back at " + firstAfter.toString(RATE) + ", the silence ends at 63.008 s");
        // the second copy is found as the first one was, shifted by 63 s
        List<SpeechRegion> second = twice.stream().filter(r -> r.startSample() >= silenceFrom)
                .map(r -> new SpeechRegion(r.startSample() - silenceTo + 0, r.endSample() - silenceTo))
                .toList();
        int matched = 0;
        for (SpeechRegion r : once) {
            for (SpeechRegion s : second) {
                if (Math.abs(r.startSample() - s.startSample()) <= tolerance
                        && Math.abs(r.endSample() - s.endSample()) <= tolerance) {
                    matched++;
                    break;
                }
            }
        }
        assertTrue(matched >= 0.9 * once.size(), matched + " of " + once.size() + " regions found again");
    }

    @Test
    void silenceQuietNoiseAndAToneAreNotSpeech() {
        int n = 5 * RATE;
        assertEquals(List.of(), vad.detect(new float[n], RATE, VadOptions.DEFAULTS));
        Random random = new Random(11);
        float[] hiss = new float[n];
        for (int i = 0; i < n; i++) {
            hiss[i] = (float) (random.nextGaussian() * 0.001); // -60 dBFS
        }
        assertEquals(List.of(), vad.detect(hiss, RATE, VadOptions.DEFAULTS));
        float[] tone = new float[n];
        for (int i = 0; i < n; i++) {
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / RATE));
        }
        List<SpeechRegion> toneRegions = vad.detect(tone, RATE, VadOptions.DEFAULTS);
        float[] noise = new float[n];
        for (int i = 0; i < n; i++) {
            noise[i] = (float) (random.nextGaussian() * 0.1); // -20 dBFS white noise
        }
        List<SpeechRegion> noiseRegions = vad.detect(noise, RATE, VadOptions.DEFAULTS);
        System.out.printf("440 Hz tone: %.2f s of speech, white noise: %.2f s (of 5 s)%n", seconds(toneRegions),
                seconds(noiseRegions));
        assertTrue(seconds(toneRegions) < 0.5, "a tone is not speech: " + toneRegions);
        assertTrue(seconds(noiseRegions) < 0.5, "white noise is not speech: " + noiseRegions);
    }

    @Test
    void theStateCarriedFromWindowToWindowMatters() {
        float[] x = speech.samples();
        float[] streamed = vad.probabilities(x, RATE);
        float[] fresh = new float[streamed.length];
        try (SileroVad.Stream s = vad.stream(RATE)) {
            for (int w = 0; w < fresh.length; w++) {
                s.reset();
                fresh[w] = s.next(x, w * 512);
            }
        }
        double diff = 0;
        for (int w = 0; w < fresh.length; w++) {
            diff += Math.abs(streamed[w] - fresh[w]);
        }
        diff /= fresh.length;
        System.out.printf("mean |streamed - reset every window| = %.3f%n", diff);
        assertTrue(diff > 0.05, "without its state the model answers differently: " + diff);
        // and the same audio streamed again gives the same answers
        float[] again = vad.probabilities(x, RATE);
        for (int w = 0; w < again.length; w++) {
            assertEquals(streamed[w], again[w], 1e-6, "window " + w);
        }
    }

    @Test
    void atEightKilohertzTheSameSpeechIsFound() {
        float[] x = speech.samples();
        // 16 -> 8 kHz: a 31-tap windowed-sinc low-pass at 3.6 kHz, then every other sample
        int taps = 31;
        double[] h = new double[taps];
        double sum = 0;
        for (int k = 0; k < taps; k++) {
            double t = k - (taps - 1) / 2.0;
            double sinc = t == 0 ? 2 * 0.225 : Math.sin(2 * Math.PI * 0.225 * t) / (Math.PI * t);
            h[k] = sinc * (0.54 - 0.46 * Math.cos(2 * Math.PI * k / (taps - 1)));
            sum += h[k];
        }
        float[] y = new float[x.length / 2];
        for (int i = 0; i < y.length; i++) {
            double acc = 0;
            for (int k = 0; k < taps; k++) {
                int j = 2 * i + k - (taps - 1) / 2;
                if (j >= 0 && j < x.length) {
                    acc += h[k] * x[j];
                }
            }
            y[i] = (float) (acc / sum);
        }
        List<SpeechRegion> at16 = vad.detect(x, RATE, VadOptions.DEFAULTS);
        List<SpeechRegion> at8 = vad.detect(y, 8000, VadOptions.DEFAULTS);
        // agreement on the time line, frame by frame (100 ms)
        int frames = x.length / FRAME;
        int agree = 0;
        for (int f = 0; f < frames; f++) {
            long s16 = (long) f * FRAME + FRAME / 2;
            agree += inside(at16, s16) == inside(at8, s16 / 2) ? 1 : 0;
        }
        System.out.printf("8 kHz agrees with 16 kHz on %d of %d frames%n", agree, frames);
        assertTrue(agree >= 0.9 * frames, agree + " of " + frames);
    }

    @Test
    void speed() {
        float[] x = speech.samples();
        vad.probabilities(x, RATE); // warm up
        long t0 = System.nanoTime();
        int rounds = 3;
        for (int r = 0; r < rounds; r++) {
            vad.probabilities(x, RATE);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        // reported, not asserted: timings are for the benchmark harness
        System.out.printf("Silero VAD on %s, 1 intra-op thread: %.0f s of audio per second%n",
                genloom.sessions().device(), rounds * speech.durationSeconds() / s);
    }
}
