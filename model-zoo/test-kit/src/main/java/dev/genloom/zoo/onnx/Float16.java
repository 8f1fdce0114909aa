package dev.genloom.zoo.onnx;

/**
 * IEEE-754 half precision (binary16) conversions, rounding to nearest, ties to even.
 */
public final class Float16 {

    private Float16() {
    }

    /** The binary16 bits nearest to {@code value} (ties to even; overflow gives infinity). */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;

        if (exp == 0xFF) {
            if (mant == 0) {
                return (short) (sign | 0x7C00);                     // infinity
            }
            return (short) (sign | 0x7E00 | (mant >>> 13));        // NaN, kept quiet
        }
        int e = exp - 127 + 15;                                     // rebiased exponent
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);                         // too large: infinity
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;                                // below half the smallest subnormal
            }
            int m = mant | 0x800000;                                // 24-bit significand
            int shift = 14 - e;                                     // 14..24
            int h = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (h & 1) != 0)) {
                h++;                                                // may carry into the smallest normal
            }
            return (short) (sign | h);
        }
        int h = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
            h++;                                                    // may carry into the exponent (up to infinity)
        }
        return (short) (sign | h);
    }

    /** The float value of the binary16 bits {@code half} (exact). */
    public static float toFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f;                      // zero or subnormal
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
