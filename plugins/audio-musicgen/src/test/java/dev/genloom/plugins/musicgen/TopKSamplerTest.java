package dev.genloom.plugins.musicgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.genloom.api.GenloomException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TopKSamplerTest {

    private static final float[] LOGITS = {2, 1, 0, -1};

    @Test
    void drawsMapToTokensByCumulativeProbabilityOfTheKept() {
        TopKSampler sampler = new TopKSampler(2, 1);
        double p0 = Math.exp(2) / (Math.exp(2) + Math.exp(1));   // 0.731
        assertEquals(0, sampler.pick(LOGITS, 0, 4, 0.0));
        assertEquals(0, sampler.pick(LOGITS, 0, 4, p0 - 1e-6));
        assertEquals(1, sampler.pick(LOGITS, 0, 4, p0 + 1e-6));
        assertEquals(1, sampler.pick(LOGITS, 0, 4, 0.999999));
    }

    @Test
    void temperatureSharpensBeforeTheCut() {
        TopKSampler cold = new TopKSampler(3, 0.5);
        double z = Math.exp(4) + Math.exp(2) + Math.exp(0);
        double p0 = Math.exp(4) / z;
        double p1 = Math.exp(2) / z;
        assertEquals(0, cold.pick(LOGITS, 0, 4, p0 - 1e-6));
        assertEquals(1, cold.pick(LOGITS, 0, 4, p0 + 1e-6));
        assertEquals(2, cold.pick(LOGITS, 0, 4, p0 + p1 + 1e-6));
    }

    @Test
    void tiesWithTheKthLogitAreKept() {
        float[] tied = {3, 1, 1, 0};
        TopKSampler sampler = new TopKSampler(2, 1);
        double z = Math.exp(3) + 2 * Math.exp(1);
        assertEquals(2, sampler.pick(tied, 0, 4, (Math.exp(3) + Math.exp(1)) / z + 1e-6));
    }

    @Test
    void readsTheRowAtItsOffsetAndTopOneIsArgmax() {
        float[] rows = {9, 0, 0, 0, /* row 1: */ 0, 0, 5, 1};
        assertEquals(2, new TopKSampler(1, 1).pick(rows, 4, 4, 0.99));
        assertEquals(0, new TopKSampler(1, 1).pick(rows, 0, 4, 0.99));
    }

    @Test
    void frequenciesFollowTheSoftmaxOfTheTopKAndTheSeedRepeats() {
        TopKSampler sampler = new TopKSampler(3, 1);
        int[] counts = new int[4];
        SplittableRandom random = new SplittableRandom(42);
        int n = 40000;
        int[] first = new int[50];
        for (int i = 0; i < n; i++) {
            int t = sampler.sample(LOGITS, 0, 4, random);
            counts[t]++;
            if (i < first.length) {
                first[i] = t;
            }
        }
        double z = Math.exp(2) + Math.exp(1) + Math.exp(0);
        assertEquals(0, counts[3], "outside the top 3");
        assertEquals(Math.exp(2) / z, counts[0] / (double) n, 0.01);
        assertEquals(Math.exp(1) / z, counts[1] / (double) n, 0.01);
        assertEquals(Math.exp(0) / z, counts[2] / (double) n, 0.01);
        SplittableRandom again = new SplittableRandom(42);
        for (int i = 0; i < first.length; i++) {
            assertEquals(first[i], sampler.sample(LOGITS, 0, 4, again), "draw " + i);
        }
    }

    @Test
    void topKBeyondTheVocabularyKeepsAll() {
        TopKSampler sampler = new TopKSampler(250, 1);
        double z = Math.exp(2) + Math.exp(1) + Math.exp(0) + Math.exp(-1);
        assertEquals(3, sampler.pick(LOGITS, 0, 4, 1 - Math.exp(-1) / z + 1e-6));
    }

    @Test
    void refusesBadSettings() {
        assertThrows(GenloomException.class, () -> new TopKSampler(0, 1));
        assertThrows(GenloomException.class, () -> new TopKSampler(5, 0));
        assertThrows(GenloomException.class, () -> new TopKSampler(5, 1).pick(LOGITS, 2, 4, 0.5));
    }
}
