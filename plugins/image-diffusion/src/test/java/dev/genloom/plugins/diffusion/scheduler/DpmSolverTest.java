package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import static dev.genloom.plugins.diffusion.scheduler.AlphaSchedulersTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DPM-Solver++ 2M against the update of Lu et al. (2022), algorithm 2, written in its own form:
 * {@code x_t = (sigma_t / sigma_s) x - alpha_t (e^-h - 1) ((1 + 1/(2r)) m0 - 1/(2r) m1)}.
 */
class DpmSolverTest {
    private static final double[] ABAR = Reference.sdAlphasCumprod();
    private static final float[] X = Reference.floats(0.5, -1.0, 2.0);
    private static final float[] E0 = Reference.floats(0.1, -0.3, 0.7);
    private static final float[] E1 = Reference.floats(-0.2, 0.4, 0.1);

    private static double lambda(double abar) {
        return 0.5 * Math.log(abar / (1 - abar));
    }

    @Test
    void firstStepIsFirstOrderAndTheSecondUsesThePreviousX0() {
        DpmSolverMultistepScheduler s = (DpmSolverMultistepScheduler) Schedulers.create("dpm++2m",
                Reference.sdBetas("DPMSolverMultistepScheduler"), 20);
        double[] t = s.timesteps();
        for (int i = 0; i < 20; i++) {
            assertEquals(Math.rint(999.0 * (20 - i) / 20), t[i], 0, "round(linspace(0, 999, 21))[::-1][:-1] at " + i);
        }
        assertEquals(1.0, s.initNoiseSigma());
        int ta = (int) t[0];
        int tb = (int) t[1];
        int tc = (int) t[2];
        double[] x1 = new double[3];
        double[] m0 = new double[3];
        double h = lambda(ABAR[tb]) - lambda(ABAR[ta]);
        for (int k = 0; k < 3; k++) {
            m0[k] = Reference.x0FromEps(X[k], E0[k], ABAR[ta]);
            x1[k] = Math.sqrt((1 - ABAR[tb]) / (1 - ABAR[ta])) * X[k] - Math.sqrt(ABAR[tb]) * (Math.exp(-h) - 1) * m0[k];
        }
        float[] got1 = s.step(E0, 0, X, null);
        assertClose(x1, got1, "first order (DDIM)");
        double h2 = lambda(ABAR[tc]) - lambda(ABAR[tb]);
        double r = h / h2;
        double[] x2 = new double[3];
        for (int k = 0; k < 3; k++) {
            double m1 = Reference.x0FromEps(got1[k], E1[k], ABAR[tb]);
            double blend = (1 + 1 / (2 * r)) * m1 - 1 / (2 * r) * m0[k];
            x2[k] = Math.sqrt((1 - ABAR[tc]) / (1 - ABAR[tb])) * got1[k] - Math.sqrt(ABAR[tc]) * (Math.exp(-h2) - 1) * blend;
        }
        assertClose(x2, s.step(E1, 1, got1, null), "second order with the previous x0");
        double[] noised = new double[3];
        for (int k = 0; k < 3; k++) {
            noised[k] = Math.sqrt(ABAR[tc]) * X[k] + Math.sqrt(1 - ABAR[tc]) * E0[k];
        }
        assertClose(noised, s.addNoise(X, E0, 2), "addNoise in the variance-preserving view");
    }

    @Test
    void lastStepWithZeroFinalSigmaReturnsX0AndVPredictionConverts() {
        Scheduler s = Schedulers.create("dpm++2m", Reference.sdBetas("DPMSolverMultistepScheduler")
                .withPredictionType(PredictionType.V_PREDICTION), 10);
        int t = (int) s.timesteps()[9];
        assertEquals(100, t, "round(999 / 10)");
        double[] x0 = new double[3];
        float[] cur = X;
        for (int i = 0; i < 9; i++) {
            cur = s.step(E0, i, cur, null);
        }
        for (int k = 0; k < 3; k++) {
            x0[k] = Math.sqrt(ABAR[t]) * cur[k] - Math.sqrt(1 - ABAR[t]) * E0[k];
        }
        assertClose(x0, s.step(E0, 9, cur, null), "final sigma 0: first order to x0");
    }

    @Test
    void karrasSigmasAndRoundedTimesteps() {
        DpmSolverMultistepScheduler s = (DpmSolverMultistepScheduler) Schedulers.create("DPM++ 2M Karras",
                Reference.sd15(), 25);
        double[] sig = s.sigmas();
        double max = Reference.sigma(ABAR[999]);
        double min = Reference.sigma(ABAR[0]);
        assertEquals(26, sig.length);
        assertEquals(max, sig[0], 1e-9, "from the largest training sigma");
        assertEquals(min, sig[24], 1e-9, "to the smallest");
        assertEquals(0, sig[25]);
        for (int i = 1; i < 24; i++) {
            double expected = Math.pow(Math.pow(max, 1 / 7.0) + i / 24.0 * (Math.pow(min, 1 / 7.0)
                    - Math.pow(max, 1 / 7.0)), 7);
            assertEquals(expected, sig[i], 1e-9);
        }
        double[] t = s.timesteps();
        assertEquals(999, t[0]);
        assertEquals(0, t[24]);
        for (double v : t) {
            assertEquals(Math.rint(v), v, 0, "rounded");
        }
        // a sigma's timestep is linear in log sigma between the training timesteps around it, rounded
        int lo = 0;
        while (Reference.sigma(ABAR[lo + 1]) <= sig[12]) {
            lo++;
        }
        double w = (Math.log(sig[12]) - Math.log(Reference.sigma(ABAR[lo])))
                / (Math.log(Reference.sigma(ABAR[lo + 1])) - Math.log(Reference.sigma(ABAR[lo])));
        assertEquals(Math.rint(lo + w), t[12], 0);
    }

    @Test
    void cosineScheduleKarrasTimestepsAreTruncated() {
        // diffusers does not round them for squaredcos_cap_v2, but keeps them as int64
        DpmSolverMultistepScheduler s = (DpmSolverMultistepScheduler) Schedulers.create("dpm++2m-karras",
                Reference.config("{\"beta_schedule\": \"squaredcos_cap_v2\"}"), 20);
        double[] abar = new double[1000];
        double p = 1;
        for (int t = 0; t < 1000; t++) {
            double f1 = Math.pow(Math.cos((t / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            double f2 = Math.pow(Math.cos(((t + 1) / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            p *= 1 - Math.min(1 - f2 / f1, 0.999);
            abar[t] = p;
        }
        double[] sig = s.sigmas();
        double[] t = s.timesteps();
        for (int i = 0; i < 20; i++) {
            double log = Math.log(sig[i]);
            int lo = 0;
            while (lo < 998 && Math.log(Reference.sigma(abar[lo + 1])) <= log) {
                lo++;
            }
            double a = Math.log(Reference.sigma(abar[lo]));
            double b = Math.log(Reference.sigma(abar[lo + 1]));
            double w = Math.max(0, Math.min(1, (a - log) / (a - b)));
            assertEquals(Math.floor(lo + w), t[i], 0, "timestep " + i);
        }
        assertEquals(998, t[1], "diffusers gives 999, 998, 998, ...");
    }

    @Test
    void refusesTheAlgorithmsItDoesNotImplement() {
        GenloomException e = assertThrows(GenloomException.class, () -> Schedulers.create("dpm++2m",
                Reference.sdBetas("DPMSolverMultistepScheduler").with("algorithm_type", "sde-dpmsolver++"), 20));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("algorithm_type") && e.getMessage().contains("sde-dpmsolver++"),
                e.getMessage());
        assertThrows(GenloomException.class, () -> Schedulers.create("dpm++2m",
                Reference.sdBetas("DPMSolverMultistepScheduler").with("thresholding", "true"), 20));
        // diffusers runs deis as dpmsolver++
        Schedulers.create("dpm++2m", Reference.sdBetas("DPMSolverMultistepScheduler").with("algorithm_type", "deis"), 20);
    }
}
