package dev.genloom.plugins.whisper.vad;

import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packing speech regions into windows and mapping packed positions back. */
class SpeechChunkTest {

    static SpeechRegion r(long start, long end) {
        return new SpeechRegion(start, end);
    }

    @Test
    void wholeRegionsArePackedWhileTheyFit() {
        List<SpeechChunk> chunks = SpeechChunk.pack(List.of(r(100, 200), r(300, 450), r(1000, 1100)), 300);
        assertEquals(2, chunks.size());
        assertEquals(List.of(r(100, 200), r(300, 450)), chunks.get(0).pieces());
        assertEquals(250, chunks.get(0).packedLength());
        assertEquals(List.of(r(1000, 1100)), chunks.get(1).pieces());
        assertEquals(100, chunks.get(0).originalStart());
        assertEquals(450, chunks.get(0).originalEnd());
    }

    @Test
    void packedPositionsMapBackAcrossTheRemovedGaps() {
        SpeechChunk c = SpeechChunk.pack(List.of(r(100, 200), r(300, 450)), 1000).get(0);
        assertEquals(100, c.toOriginal(0));
        assertEquals(199, c.toOriginal(99));
        // the seam: a start belongs to the second piece, an end to the first
        assertEquals(300, c.toOriginal(100));
        assertEquals(200, c.toOriginalEnd(100));
        assertEquals(301, c.toOriginal(101));
        assertEquals(301, c.toOriginalEnd(101));
        assertEquals(450, c.toOriginal(250));
        assertEquals(450, c.toOriginalEnd(250));
        // outside the packed audio: clamped
        assertEquals(100, c.toOriginal(-5));
        assertEquals(100, c.toOriginalEnd(0));
        assertEquals(450, c.toOriginal(9999));
        // in seconds at 100 Hz: 1.5 s packed is 0.5 s into the second piece (3.0 s) = 3.5 s
        assertEquals(3.5, c.toOriginalSeconds(1.5, 100), 1e-9);
        assertEquals(2.0, c.toOriginalEndSeconds(1.0, 100), 1e-9);
    }

    @Test
    void extractPutsThePiecesEndToEnd() {
        float[] audio = new float[500];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = i;
        }
        SpeechChunk c = SpeechChunk.pack(List.of(r(10, 13), r(20, 22)), 100).get(0);
        assertEquals(List.of(10f, 11f, 12f, 20f, 21f), boxed(c.extract(audio)));
        assertThrows(GenloomException.class, () -> c.extract(new float[15]));
    }

    @Test
    void aRegionLongerThanTheWindowIsCutIntoWindows() {
        List<SpeechChunk> chunks = SpeechChunk.pack(List.of(r(50, 60), r(100, 1100), r(1200, 1250)), 300);
        List<List<SpeechRegion>> pieces = chunks.stream().map(SpeechChunk::pieces).toList();
        assertEquals(List.of(List.of(r(50, 60)), List.of(r(100, 400)), List.of(r(400, 700)), List.of(r(700, 1000)),
                List.of(r(1000, 1100), r(1200, 1250))), pieces);
    }

    @Test
    void badRegionsAndWindowsAreRefused() {
        assertThrows(GenloomException.class, () -> SpeechChunk.pack(List.of(r(0, 100), r(50, 150)), 300));
        assertThrows(GenloomException.class, () -> SpeechChunk.pack(List.of(r(200, 300), r(0, 100)), 300));
        assertThrows(GenloomException.class, () -> SpeechChunk.pack(List.of(r(0, 100)), 0));
        assertEquals(List.of(), SpeechChunk.pack(List.of(), 300));
        assertEquals(List.of(), SpeechChunk.pack(List.of(r(5, 5)), 300));
    }

    @Test
    void everyPackedSampleMapsBackToTheSampleItCameFrom() {
        Random random = new Random(7);
        float[] audio = new float[200_000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = random.nextFloat();
        }
        for (int trial = 0; trial < 20; trial++) {
            List<SpeechRegion> regions = new ArrayList<>();
            long at = random.nextInt(2000);
            while (true) {
                long len = 1 + random.nextInt(30_000);
                if (at + len > audio.length) {
                    break;
                }
                regions.add(r(at, at + len));
                at += len + random.nextInt(5000);
            }
            long max = 5_000 + random.nextInt(40_000);
            List<SpeechChunk> chunks = SpeechChunk.pack(regions, max);
            long total = 0;
            long previousEnd = 0;
            for (SpeechChunk c : chunks) {
                assertTrue(c.packedLength() <= max && c.packedLength() > 0, c.toString());
                assertTrue(c.originalStart() >= previousEnd, "chunks in order");
                previousEnd = c.originalEnd();
                float[] packed = c.extract(audio);
                for (int p = 0; p < packed.length; p++) {
                    long o = c.toOriginal(p);
                    assertEquals(audio[(int) o], packed[p], "trial " + trial + " packed " + p);
                    // an end just after sample p lies just after its original sample
                    assertEquals(o + 1, c.toOriginalEnd(p + 1));
                }
                total += c.packedLength();
            }
            assertEquals(regions.stream().mapToLong(SpeechRegion::length).sum(), total, "nothing lost or doubled");
        }
    }

    private static List<Float> boxed(float[] a) {
        List<Float> out = new ArrayList<>();
        for (float f : a) {
            out.add(f);
        }
        return out;
    }
}
