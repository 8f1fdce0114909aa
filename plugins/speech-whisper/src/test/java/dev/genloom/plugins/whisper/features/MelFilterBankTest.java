package dev.genloom.plugins.whisper.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

class MelFilterBankTest {

    @Test
    void slaneyScaleIsLinearBelowOneKilohertzAndLogarithmicAbove() {
        assertEquals(0.0, MelFilterBank.hzToMel(0.0), 0.0);
        assertEquals(7.5, MelFilterBank.hzToMel(500.0), 1e-12);
        assertEquals(15.0, MelFilterBank.hzToMel(1000.0), 1e-12);
        // 6.4 kHz is 27 mels above 1 kHz by the definition of the log step.
        assertEquals(42.0, MelFilterBank.hzToMel(6400.0), 1e-12);
        assertEquals(ReferenceLogMel.mel(8000.0), MelFilterBank.hzToMel(8000.0), 1e-12);
        for (double hz = 0; hz <= 8000; hz += 37.5) {
            assertEquals(hz, MelFilterBank.melToHz(MelFilterBank.hzToMel(hz)), 1e-9, "round trip at " + hz);
            assertEquals(ReferenceLogMel.hz(ReferenceLogMel.mel(hz)), MelFilterBank.melToHz(MelFilterBank.hzToMel(hz)),
                    1e-9);
        }
    }

    @Test
    void filtersMatchTheSlaneyFormulaFor80And128Mels() {
        for (int mels : new int[] {80, 128}) {
            MelFilterBank bank = MelFilterBank.forSettings(FeatureSettings.whisper(mels));
            double[][] expected = ReferenceLogMel.filters(mels, 400, 16000);
            assertEquals(mels, bank.mels());
            assertEquals(201, bank.bins());
            for (int m = 0; m < mels; m++) {
                double[] filter = bank.filter(m);
                for (int k = 0; k < 201; k++) {
                    assertEquals(expected[m][k], filter[k], 1e-12 + 1e-9 * expected[m][k],
                            mels + " mels: filter " + m + ", bin " + k);
                    boolean inside = k >= bank.firstBin(m) && k < bank.endBin(m);
                    assertTrue(inside || filter[k] == 0.0, "weight outside the stored range");
                }
                assertTrue(filter[bank.firstBin(m)] > 0 && filter[bank.endBin(m) - 1] > 0,
                        "the stored range starts and ends with non-zero weights");
            }
        }
    }

    @Test
    void eachFilterIsATriangleScaledToUnitArea() {
        int mels = 80;
        MelFilterBank bank = MelFilterBank.forSettings(FeatureSettings.whisper(mels));
        double top = 45.245640471924965; // the Slaney mel of 8 kHz: 15 + 27 ln(8) / ln(6.4)
        assertEquals(top, MelFilterBank.hzToMel(8000), 1e-12);
        for (int m = 0; m < mels; m++) {
            double lower = MelFilterBank.melToHz(top * m / (mels + 1));
            double upper = MelFilterBank.melToHz(top * (m + 2) / (mels + 1));
            double height = 2.0 / (upper - lower); // peak of a triangle of area 1 over [lower, upper]
            double[] filter = bank.filter(m);
            double sum = 0;
            for (int k = 0; k < filter.length; k++) {
                assertTrue(filter[k] <= height * (1 + 1e-12), "filter " + m + " exceeds its peak at bin " + k);
                double hz = k * 40.0;
                if (hz <= lower || hz >= upper) {
                    assertEquals(0.0, filter[k], "filter " + m + " is zero outside its triangle, bin " + k);
                }
                sum += filter[k];
            }
            // Sampled every 40 Hz, a wide triangle's samples times 40 Hz approximate its area of 1.
            if (upper - lower > 400) {
                assertEquals(1.0, sum * 40.0, 0.02, "area of filter " + m);
            }
        }
    }

    @Test
    void acceptsAMatrixInEitherOrientation() {
        double[][] melsByBins = ReferenceLogMel.filters(80, 400, 16000);
        double[][] binsByMels = new double[201][80];
        for (int m = 0; m < 80; m++) {
            for (int k = 0; k < 201; k++) {
                binsByMels[k][m] = melsByBins[m][k];
            }
        }
        MelFilterBank a = MelFilterBank.fromMatrix(melsByBins, 80, 201, "test");
        MelFilterBank b = MelFilterBank.fromMatrix(binsByMels, 80, 201, "test");
        for (int m = 0; m < 80; m++) {
            assertEquals(java.util.Arrays.toString(melsByBins[m]), java.util.Arrays.toString(a.filter(m)));
            assertEquals(java.util.Arrays.toString(melsByBins[m]), java.util.Arrays.toString(b.filter(m)));
        }
    }

    @Test
    void rejectsMatricesOfTheWrongShapeOrWithBadWeights() {
        GenloomException shape = assertThrows(GenloomException.class,
                () -> MelFilterBank.fromMatrix(new double[80][200], 80, 201, "cfg.json"));
        assertTrue(shape.getMessage().contains("80 × 200") && shape.getMessage().contains("cfg.json"),
                shape.getMessage());
        double[][] ragged = new double[80][201];
        ragged[3] = new double[5];
        assertThrows(GenloomException.class, () -> MelFilterBank.fromMatrix(ragged, 80, 201, "cfg.json"));
        double[][] negative = new double[80][201];
        negative[2][7] = -0.5;
        GenloomException neg = assertThrows(GenloomException.class,
                () -> MelFilterBank.fromMatrix(negative, 80, 201, "cfg.json"));
        assertTrue(neg.getMessage().contains("filter 2") && neg.getMessage().contains("bin 7"), neg.getMessage());
        double[][] nan = new double[80][201];
        nan[0][0] = Double.NaN;
        assertThrows(GenloomException.class, () -> MelFilterBank.fromMatrix(nan, 80, 201, "cfg.json"));
        assertThrows(GenloomException.class, () -> MelFilterBank.slaney(0, 400, 16000, 0, 8000));
        assertThrows(GenloomException.class, () -> MelFilterBank.slaney(80, 400, 16000, 8000, 8000));
    }
}
