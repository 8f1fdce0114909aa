package dev.genloom.api;

import dev.genloom.api.media.Audio;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {

    @Test
    void embeddingCosineAndNormalize() {
        Embedding a = new Embedding(new float[] {3, 4});
        Embedding b = new Embedding(new float[] {4, 3});
        assertEquals(5.0, a.norm(), 1e-12);
        assertEquals(24.0, a.dot(b), 1e-12);
        assertEquals(24.0 / 25, a.cosine(b), 1e-12);
        assertEquals(1.0, a.cosine(new Embedding(new float[] {6, 8})), 1e-12);
        assertEquals(-1.0, a.cosine(new Embedding(new float[] {-3, -4})), 1e-12);
        assertEquals(0.0, a.cosine(new Embedding(new float[] {-4, 3})), 1e-12);

        Embedding zero = new Embedding(new float[] {0, 0});
        assertEquals(0.0, a.cosine(zero));
        assertSame(zero, zero.normalized());

        Embedding n = a.normalized();
        assertArrayEquals(new float[] {0.6f, 0.8f}, n.vector(), 1e-7f);
        assertEquals(1.0, n.norm(), 1e-6);
        assertEquals(a.cosine(b), n.dot(b.normalized()), 1e-6);

        GenloomException e = assertThrows(GenloomException.class, () -> a.cosine(new Embedding(new float[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("2 and 3"), e.getMessage());
        assertThrows(GenloomException.class, () -> new Embedding(new float[0]));

        float[] v = {1, 2};
        Embedding copy = new Embedding(v);
        v[0] = 99;
        assertEquals(1f, copy.vector()[0]);
    }

    @Test
    void labelsAreSortedBestFirst() {
        Labels l = new Labels(List.of(new ScoredLabel("cat", 0.2), new ScoredLabel("dog", 0.7),
                new ScoredLabel("car", 0.1)));
        assertEquals(List.of("dog", "cat", "car"), l.ranked().stream().map(ScoredLabel::label).toList());
        assertEquals("dog", l.best().orElseThrow().label());
        assertEquals(3, l.size());
        assertTrue(Labels.NONE.best().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> l.ranked().add(new ScoredLabel("x", 1)));
    }

    @Test
    void audioBasics() {
        Audio stereo = new Audio(new float[] {1, 0, 0.5f, -0.5f, 0, 1}, 8000, 2);
        assertEquals(3, stereo.frames());
        assertArrayEquals(new float[] {1, 0.5f, 0}, stereo.channel(0));
        assertArrayEquals(new float[] {0, -0.5f, 1}, stereo.channel(1));
        assertArrayEquals(new float[] {0.5f, 0, 0.5f}, stereo.toMono().samples());
        assertEquals(3.0 / 8000, stereo.durationSeconds(), 1e-12);
        GenloomException e = assertThrows(GenloomException.class, () -> new Audio(new float[3], 8000, 2));
        assertTrue(e.getMessage().contains("3 samples do not divide into 2 channels"), e.getMessage());
        assertThrows(GenloomException.class, () -> stereo.channel(2));
        assertThrows(GenloomException.class, () -> Audio.mono(new float[1], 0));
    }
}
