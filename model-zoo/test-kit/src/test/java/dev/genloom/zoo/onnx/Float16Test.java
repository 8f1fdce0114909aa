package dev.genloom.zoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {

    private static int bits(float f) {
        return Float16.fromFloat(f) & 0xFFFF;
    }

    @Test
    void exactValues() {
        assertEquals(0x0000, bits(0f));
        assertEquals(0x8000, bits(-0f));
        assertEquals(0x3C00, bits(1f));
        assertEquals(0xC000, bits(-2f));
        assertEquals(0x3800, bits(0.5f));
        assertEquals(0x3555, bits(1f / 3f));
        assertEquals(0x7BFF, bits(65504f));                  // largest half
        assertEquals(0x0400, bits(0x1p-14f));                // smallest normal
        assertEquals(0x0001, bits(0x1p-24f));                // smallest subnormal
        assertEquals(0x03FF, bits(0x1.ff8p-15f));            // largest subnormal
    }

    @Test
    void roundsToNearestEven() {
        float ulp = 0x1p-10f;                                // half spacing at 1.0
        assertEquals(0x3C00, bits(1f + ulp / 2));            // tie, 0x3C00 is even: down
        assertEquals(0x3C02, bits(1f + 3 * ulp / 2));        // tie, 0x3C01 is odd: up
        assertEquals(0x3C01, bits(1f + ulp / 2 + 0x1p-20f)); // just above the tie: up
        assertEquals(0x3C00, bits(1f + ulp / 2 - 0x1p-20f)); // just below the tie: down
        assertEquals(0x0000, bits(0x1p-25f));                // tie between 0 and the smallest subnormal: 0
        assertEquals(0x0001, bits(0x1.8p-25f));              // above the tie: smallest subnormal
        assertEquals(0x0002, bits(0x1.8p-24f));              // 1.5 subnormal units, tie: to 2 (even)
        assertEquals(0x0400, bits(0x1.ffcp-15f));            // largest subnormal rounds up into the smallest normal
    }

    @Test
    void overflowAndSpecials() {
        assertEquals(0x7BFF, bits(65519f));                  // below the tie to infinity
        assertEquals(0x7C00, bits(65520f));                  // tie at 65520 goes to even: infinity
        assertEquals(0x7C00, bits(1e10f));
        assertEquals(0xFC00, bits(Float.NEGATIVE_INFINITY));
        assertEquals(0x7C00, bits(Float.POSITIVE_INFINITY));
        int nan = bits(Float.NaN);
        assertEquals(0x7C00, nan & 0x7C00);
        assertTrue((nan & 0x3FF) != 0);
        assertEquals(0x0000, bits(1e-10f));
    }

    @Test
    void roundTripsEveryHalf() {
        for (int h = 0; h <= 0xFFFF; h++) {
            float f = Float16.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0);
                continue;
            }
            assertEquals(h, bits(f), "half 0x" + Integer.toHexString(h));
        }
    }
}
