package dev.genloom.plugins.musicgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

class ClassifierFreeGuidanceTest {

    @Test
    void mixesConditionalRowsFirstWithUnconditionalRowsAfter() {
        // two conditional rows, then their two unconditional rows, vocab 3
        float[] logits = {
            1, 2, 3,
            -1, 0, 4,
            0.5f, 0.5f, 0.5f,
            -1, 1, 2,
        };
        float[] guided = new ClassifierFreeGuidance(3).apply(logits, 4, 3);
        // uncond + 3 * (cond - uncond), worked out by hand
        assertArrayEquals(new float[] {2, 5, 8, -1, -2, 8}, guided, 1e-6f);
    }

    @Test
    void scaleOneHalfWayIsTheLinearMix() {
        float[] guided = new ClassifierFreeGuidance(1.5).apply(new float[] {4, -2}, 2, 1);
        assertEquals(-2 + 1.5 * 6, guided[0], 1e-6);
    }

    @Test
    void onlyScalesAboveOneGuide() {
        assertTrue(ClassifierFreeGuidance.applies(3));
        assertFalse(ClassifierFreeGuidance.applies(1));
        GenloomException e = assertThrows(GenloomException.class, () -> new ClassifierFreeGuidance(1));
        assertTrue(e.getMessage().contains("guidance scale 1.0"), e.getMessage());
        assertThrows(GenloomException.class, () -> new ClassifierFreeGuidance(3).apply(new float[3], 3, 1));
        assertThrows(GenloomException.class, () -> new ClassifierFreeGuidance(3).apply(new float[5], 2, 3));
    }
}
