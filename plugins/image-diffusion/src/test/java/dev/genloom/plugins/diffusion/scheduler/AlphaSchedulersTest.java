package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DDIM, PNDM (PLMS and its Runge-Kutta warm-up) and LCM steps against their closed forms. */
class AlphaSchedulersTest {
    private static final double[] ABAR = Reference.sdAlphasCumprod();
    private static final float[] X = Reference.floats(0.5, -1.0, 2.0);
    private static final float[] E = Reference.floats(0.1, -0.3, 0.7);

    static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 2e-6 * Math.max(1, Math.abs(expected[k])), what + " [" + k + "]");
        }
    }

    /** The DDIM transfer from t to prev with noise e: sqrt(a') x0 + sqrt(1 - a') e. */
    private static double[] ddim(float[] x, double[] e, double a, double aPrev) {
        double[] out = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            out[k] = Reference.ddim(Reference.x0FromEps(x[k], e[k], a), e[k], aPrev);
        }
        return out;
    }

    private static double[] d(float[] f) {
        double[] out = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            out[k] = f[k];
        }
        return out;
    }

    private static double[] mix(double[] w, float[]... e) {
        double[] out = new double[e[0].length];
        for (int k = 0; k < out.length; k++) {
            for (int j = 0; j < w.length; j++) {
                out[k] += w[j] * e[j][k];
            }
        }
        return out;
    }

    @Test
    void ddimStepIsTheClosedFormForEveryPrediction() {
        Scheduler s = Schedulers.create("ddim", Reference.sd15(), 50);
        assertEquals(981, s.timesteps()[0]);
        assertEquals(1, s.timesteps()[49]);
        assertEquals(1.0, s.initNoiseSigma());
        assertArrayEquals(X, s.scaleModelInput(X, 3));
        assertClose(ddim(X, d(E), ABAR[981], ABAR[961]), s.step(E, 0, X, null), "epsilon");
        // the last step goes to abar_0, as set_alpha_to_one is false in SD's config
        assertClose(ddim(X, d(E), ABAR[1], ABAR[0]), s.step(E, 49, X, null), "last step");

        Scheduler v = Schedulers.create("ddim", Reference.sd15().withPredictionType(PredictionType.V_PREDICTION), 50);
        double a = ABAR[501];
        double[] expected = new double[3];
        for (int k = 0; k < 3; k++) {
            double x0 = Math.sqrt(a) * X[k] - Math.sqrt(1 - a) * E[k];
            double eps = Math.sqrt(a) * E[k] + Math.sqrt(1 - a) * X[k];
            expected[k] = Reference.ddim(x0, eps, ABAR[481]);
        }
        assertEquals(501, v.timesteps()[24]);
        assertClose(expected, v.step(E, 24, X, null), "v-prediction");

        Scheduler x = Schedulers.create("ddim", Reference.sd15().withPredictionType(PredictionType.SAMPLE), 50);
        for (int k = 0; k < 3; k++) {
            double eps = (X[k] - Math.sqrt(a) * E[k]) / Math.sqrt(1 - a);
            expected[k] = Reference.ddim(E[k], eps, ABAR[481]);
        }
        assertClose(expected, x.step(E, 24, X, null), "sample prediction");
    }

    @Test
    void ddimClipsThePredictedSampleAndKeepsItsNoise() {
        Scheduler s = Schedulers.create("ddim", Reference.sd15().with(ConfigKey.CLIP_SAMPLE, true)
                .with(ConfigKey.CLIP_SAMPLE_RANGE, 0.5), 50);
        double a = ABAR[981];
        double[] expected = new double[3];
        for (int k = 0; k < 3; k++) {
            double x0 = Math.max(-0.5, Math.min(0.5, Reference.x0FromEps(X[k], E[k], a)));
            expected[k] = Reference.ddim(x0, E[k], ABAR[961]);
        }
        assertClose(expected, s.step(E, 0, X, null), "clipped");
        // DDIM's own default set_alpha_to_one (true) ends at abar = 1: the last step returns x0
        Scheduler own = Schedulers.create("ddim", Reference.sdBetas("DDIMScheduler").with(ConfigKey.CLIP_SAMPLE, false), 10);
        assertArrayEquals(new double[] {900, 800, 700, 600, 500, 400, 300, 200, 100, 0}, own.timesteps());
        double[] x0 = new double[3];
        for (int k = 0; k < 3; k++) {
            x0[k] = Reference.x0FromEps(X[k], E[k], ABAR[0]);
        }
        assertClose(x0, own.step(E, 9, X, null), "final abar 1");
    }

    @Test
    void alphaSchedulersAddNoiseAtTheStepsTimestep() {
        for (String name : new String[] {"ddim", "pndm", "lcm"}) {
            Scheduler s = Schedulers.create(name, Reference.sd15(), name.equals("lcm") ? 4 : 50);
            int i = name.equals("lcm") ? 2 : 10;
            int t = (int) s.timesteps()[i];
            double[] expected = new double[3];
            for (int k = 0; k < 3; k++) {
                expected[k] = Math.sqrt(ABAR[t]) * X[k] + Math.sqrt(1 - ABAR[t]) * E[k];
            }
            assertClose(expected, s.addNoise(X, E, i), name + " addNoise");
        }
    }

    @Test
    void plmsWarmsUpLikeDiffusers() {
        Scheduler s = Schedulers.create("pndm", Reference.sd15(), 50);
        double[] t = s.timesteps();
        assertEquals(51, t.length, "skip_prk_steps: the second timestep twice");
        assertArrayEquals(new double[] {981, 961, 961, 941, 921}, Arrays.copyOf(t, 5));
        assertEquals(1, t[50]);
        float[][] e = new float[6][];
        for (int j = 0; j < 6; j++) {
            e[j] = Reference.floats(0.1 * (j + 1), -0.2 + 0.05 * j, 0.3 - 0.1 * j);
        }
        float[] x1 = s.step(e[0], 0, X, null);
        assertClose(ddim(X, d(e[0]), ABAR[981], ABAR[961]), x1, "step 0: plain DDIM with e0");
        float[] x2 = s.step(e[1], 1, x1, null);
        assertClose(ddim(X, mix(new double[] {0.5, 0.5}, e[0], e[1]), ABAR[981], ABAR[961]), x2,
                "step 1: again from x at 981 with the mean of e0 and e1");
        float[] x3 = s.step(e[2], 2, x2, null);
        assertClose(ddim(x2, mix(new double[] {-0.5, 1.5}, e[0], e[2]), ABAR[961], ABAR[941]), x3,
                "step 2: (3 e2 - e0) / 2");
        float[] x4 = s.step(e[3], 3, x3, null);
        assertClose(ddim(x3, mix(new double[] {5 / 12.0, -16 / 12.0, 23 / 12.0}, e[0], e[2], e[3]), ABAR[941],
                ABAR[921]), x4, "step 3: third order");
        float[] x5 = s.step(e[4], 4, x4, null);
        assertClose(ddim(x4, mix(new double[] {-9 / 24.0, 37 / 24.0, -59 / 24.0, 55 / 24.0}, e[0], e[2], e[3], e[4]),
                ABAR[921], ABAR[901]), x5, "step 4: fourth order");
        float[] x6 = s.step(e[5], 5, x5, null);
        assertClose(ddim(x5, mix(new double[] {-9 / 24.0, 37 / 24.0, -59 / 24.0, 55 / 24.0}, e[2], e[3], e[4], e[5]),
                ABAR[901], ABAR[881]), x6, "step 5: the window moves on");
        assertThrows(IllegalStateException.class, () -> s.step(E, 9, X, null), "steps come in order");
    }

    @Test
    void plmsConvertsVToNoiseAndEndsAtAbarZero() {
        Scheduler s = Schedulers.create("pndm", Reference.sd15().withPredictionType(PredictionType.V_PREDICTION), 50);
        double a = ABAR[981];
        double[] eps = new double[3];
        for (int k = 0; k < 3; k++) {
            eps[k] = Math.sqrt(a) * E[k] + Math.sqrt(1 - a) * X[k];
        }
        assertClose(ddim(X, eps, a, ABAR[961]), s.step(E, 0, X, null), "v-prediction");
        Scheduler one = Schedulers.create("pndm", Reference.sd15(), 1);
        assertArrayEquals(new double[] {1}, one.timesteps(), "leading, 1 step, offset 1");
        assertClose(ddim(X, d(E), ABAR[1], ABAR[0]), one.step(E, 0, X, null), "past timestep 0: abar_0");
        GenloomException e = assertThrows(GenloomException.class, () -> Schedulers.create("pndm",
                Reference.sd15().withPredictionType(PredictionType.SAMPLE), 20));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("prediction_type"), e.getMessage());
    }

    @Test
    void pseudoRungeKuttaWarmUp() {
        SchedulerConfig cfg = Reference.sdBetas("PNDMScheduler"); // skip_prk_steps false, leading, no offset
        Scheduler s = Schedulers.create("pndm", cfg, 10);
        assertArrayEquals(new double[] {900, 850, 850, 800, 800, 750, 750, 700, 700, 650, 650, 600,
            600, 500, 400, 300, 200, 100, 0}, s.timesteps());
        float[][] e = new float[13][];
        for (int j = 0; j < 13; j++) {
            e[j] = Reference.floats(0.05 * (j + 1), 0.3 - 0.04 * j, -0.1 * j);
        }
        float[] x = X;
        float[] k1 = s.step(e[0], 0, x, null);
        assertClose(ddim(x, d(e[0]), ABAR[900], ABAR[850]), k1, "half step with k1");
        float[] k2 = s.step(e[1], 1, k1, null);
        assertClose(ddim(x, d(e[1]), ABAR[900], ABAR[850]), k2, "half step with k2, from the step's start");
        float[] k3 = s.step(e[2], 2, k2, null);
        assertClose(ddim(x, d(e[2]), ABAR[900], ABAR[800]), k3, "full step with k3");
        float[] x800 = s.step(e[3], 3, k3, null);
        assertClose(ddim(x, mix(new double[] {1 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 6.0}, e[0], e[1], e[2], e[3]),
                ABAR[900], ABAR[800]), x800, "(k1 + 2 k2 + 2 k3 + k4) / 6");
        float[] cur = x800;
        for (int i = 4; i < 12; i++) {
            cur = s.step(e[i], i, cur, null);
        }
        float[] x500 = s.step(e[12], 12, cur, null);
        assertClose(ddim(cur, mix(new double[] {-9 / 24.0, 37 / 24.0, -59 / 24.0, 55 / 24.0}, e[0], e[4], e[8], e[12]),
                ABAR[600], ABAR[500]), x500, "then PLMS of order 4 on the first output of each Runge-Kutta step");
        GenloomException few = assertThrows(GenloomException.class, () -> Schedulers.create("pndm", cfg, 3));
        assertTrue(few.getMessage().contains("skip_prk_steps"), few.getMessage());
    }

    @Test
    void lcmTimestepsAndConsistencyStep() {
        SchedulerConfig cfg = Reference.sdBetas("LCMScheduler");
        Scheduler s = Schedulers.create("lcm", cfg, 4);
        assertArrayEquals(new double[] {999, 759, 499, 259}, s.timesteps());
        assertArrayEquals(new double[] {499, 379, 259, 139}, Schedulers.create("lcm", cfg, 4, 0.5).timesteps(),
                "image-to-image: from the first 25 of the 50 distillation timesteps");
        double[] expected = new double[3];
        float[] fresh = new NoiseSource(11).next(3);
        double c = 9990;
        double skip = 0.25 / (c * c + 0.25);
        double out = c / Math.sqrt(c * c + 0.25);
        for (int k = 0; k < 3; k++) {
            double denoised = out * Reference.x0FromEps(X[k], E[k], ABAR[999]) + skip * X[k];
            expected[k] = Math.sqrt(ABAR[759]) * denoised + Math.sqrt(1 - ABAR[759]) * fresh[k];
        }
        assertClose(expected, s.step(E, 0, X, new NoiseSource(11)), "noised afresh to the next timestep");
        c = 2590;
        skip = 0.25 / (c * c + 0.25);
        out = c / Math.sqrt(c * c + 0.25);
        for (int k = 0; k < 3; k++) {
            expected[k] = out * Reference.x0FromEps(X[k], E[k], ABAR[259]) + skip * X[k];
        }
        assertClose(expected, s.step(E, 3, X, null), "the last step returns the estimate, no noise needed");
        assertNotEquals(s.step(E, 1, X, new NoiseSource(1))[0], s.step(E, 1, X, new NoiseSource(2))[0]);
        GenloomException tooMany = assertThrows(GenloomException.class, () -> Schedulers.create("lcm", cfg, 51));
        assertEquals(ErrorKind.INVALID_INPUT, tooMany.kind());
        assertTrue(tooMany.getMessage().contains("original_inference_steps"), tooMany.getMessage());
        assertThrows(GenloomException.class, () -> Schedulers.create("lcm", cfg, 8, 0.1), "only 5 timesteps below 0.1");
    }
}
