package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static dev.genloom.plugins.diffusion.scheduler.AlphaSchedulersTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Euler, Euler ancestral and LMS against the updates written out here. */
class SigmaSchedulersTest {
    private static final double[] ABAR = Reference.sdAlphasCumprod();
    private static final float[] X = Reference.floats(3.0, -7.5, 12.0);
    private static final float[] E = Reference.floats(0.1, -0.3, 0.7);

    private static double sigmaAt(double t) {
        return Reference.sigmaAt(ABAR, t);
    }

    @Test
    void eulerLinspaceSigmasAndStep() {
        EulerScheduler s = (EulerScheduler) Schedulers.create("euler", Reference.sdBetas("EulerDiscreteScheduler"), 30);
        double[] t = s.timesteps();
        double[] sig = s.sigmas();
        assertEquals(30, t.length);
        assertEquals(31, sig.length);
        for (int i = 0; i < 30; i++) {
            assertEquals(999.0 * (29 - i) / 29, t[i], 1e-4, "linspace timestep " + i);
            assertEquals(sigmaAt(t[i]), sig[i], 1e-9, "sigma interpolated at " + t[i]);
        }
        assertEquals(0, sig[30], 0, "final sigma zero");
        assertEquals(14.6146, s.initNoiseSigma(), 1e-4, "linspace: the largest sigma");
        double s0 = sig[0];
        double[] scaled = new double[3];
        double[] next = new double[3];
        for (int k = 0; k < 3; k++) {
            scaled[k] = X[k] / Math.sqrt(s0 * s0 + 1);
            double x0 = X[k] - s0 * E[k];
            next[k] = X[k] + (X[k] - x0) / s0 * (sig[1] - s0);
        }
        assertClose(scaled, s.scaleModelInput(X, 0), "input scaled by 1 / sqrt(sigma^2 + 1)");
        assertClose(next, s.step(E, 0, X, null), "Euler step");
        double[] x0 = new double[3];
        for (int k = 0; k < 3; k++) {
            x0[k] = X[k] - sig[29] * E[k];
        }
        assertClose(x0, s.step(E, 29, X, null), "the last step lands on x0");
        double[] noised = new double[3];
        for (int k = 0; k < 3; k++) {
            noised[k] = X[k] + sig[7] * E[k];
        }
        assertClose(noised, s.addNoise(X, E, 7), "addNoise: x0 + sigma eps");
    }

    @Test
    void eulerVPredictionAndLeadingFromSd15() {
        Scheduler s = Schedulers.create("euler", Reference.sd15().withPredictionType(PredictionType.V_PREDICTION), 25);
        assertEquals(961, s.timesteps()[0], 0, "SD 1.5's leading spacing and offset are kept");
        double s0 = sigmaAt(961);
        double s1 = sigmaAt(921);
        assertEquals(Math.sqrt(s0 * s0 + 1), s.initNoiseSigma(), 1e-9, "leading: sqrt(sigma_max^2 + 1)");
        double[] next = new double[3];
        for (int k = 0; k < 3; k++) {
            double x0 = X[k] / (s0 * s0 + 1) - s0 / Math.sqrt(s0 * s0 + 1) * E[k];
            next[k] = X[k] + (X[k] - x0) / s0 * (s1 - s0);
        }
        assertClose(next, s.step(E, 0, X, null), "v-prediction");
        Scheduler sample = Schedulers.create("euler", Reference.sd15().withPredictionType(PredictionType.SAMPLE), 25);
        for (int k = 0; k < 3; k++) {
            next[k] = X[k] + (X[k] - E[k]) / s0 * (s1 - s0);
        }
        assertClose(next, sample.step(E, 0, X, null), "sample prediction");
    }

    @Test
    void eulerKarrasSigmasFinalSigmaAndContinuousTimesteps() {
        SchedulerConfig cfg = Reference.sdBetas("EulerDiscreteScheduler").withKarrasSigmas(true);
        EulerScheduler s = (EulerScheduler) Schedulers.create("euler", cfg, 20);
        double[] sig = s.sigmas();
        double max = sigmaAt(999);
        double min = sigmaAt(0);
        for (int i = 0; i < 20; i++) {
            double root = Math.pow(max, 1 / 7.0) + i / 19.0 * (Math.pow(min, 1 / 7.0) - Math.pow(max, 1 / 7.0));
            assertEquals(Math.pow(root, 7), sig[i], 1e-6, "karras sigma " + i);
        }
        double[] t = s.timesteps();
        assertEquals(999, t[0], 1e-3);
        assertEquals(0, t[19], 1e-3);
        // a timestep lies where log sigma is, between the training sigmas
        int lo = (int) Math.floor(t[10]);
        double w = (Math.log(sig[10]) - Math.log(Reference.sigma(ABAR[lo])))
                / (Math.log(Reference.sigma(ABAR[lo + 1])) - Math.log(Reference.sigma(ABAR[lo])));
        assertEquals(lo + w, t[10], 1e-3);

        EulerScheduler last = (EulerScheduler) Schedulers.create("euler",
                Reference.sdBetas("EulerDiscreteScheduler").with(ConfigKey.FINAL_SIGMAS_TYPE, FinalSigmas.SIGMA_MIN), 10);
        assertEquals(Reference.sigma(ABAR[0]), last.sigmas()[10], 1e-9);

        Scheduler cont = Schedulers.create("euler", Reference.sdBetas("EulerDiscreteScheduler")
                .withPredictionType(PredictionType.V_PREDICTION).with("timestep_type", "continuous"), 10);
        assertEquals(0.25 * Math.log(sigmaAt(999)), cont.timesteps()[0], 1e-9);
    }

    @Test
    void eulerAncestralIsReproducibleFromItsSeed() {
        Scheduler a = Schedulers.create("euler-a", Reference.sdBetas("EulerAncestralDiscreteScheduler"), 20);
        Scheduler b = Schedulers.create("euler_a", Reference.sdBetas("EulerAncestralDiscreteScheduler"), 20);
        float[] fresh = new NoiseSource(42).next(3);
        double from = sigmaAt(999);
        double to = sigmaAt((float) (999.0 * 18 / 19)); // diffusers keeps these timesteps as float32
        double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
        double down = Math.sqrt(to * to - up * up);
        double[] expected = new double[3];
        for (int k = 0; k < 3; k++) {
            double x0 = X[k] - from * E[k];
            expected[k] = X[k] + (X[k] - x0) / from * (down - from) + up * fresh[k];
        }
        float[] first = a.step(E, 0, X, new NoiseSource(42));
        assertClose(expected, first, "Euler to sigma_down plus sigma_up noise");
        assertArrayEquals(first, b.step(E, 0, X, new NoiseSource(42)), "same seed, same step");
        assertFalse(first[0] == b.step(E, 0, X, new NoiseSource(43))[0], "another seed, another step");
        NoiseSource n1 = new NoiseSource(5);
        NoiseSource n2 = new NoiseSource(5);
        float[] r1 = X;
        float[] r2 = X;
        for (int i = 0; i < 20; i++) {
            r1 = a.step(E, i, r1, n1);
            r2 = b.step(E, i, r2, n2);
        }
        assertArrayEquals(r1, r2, "a whole run is reproduced by its seed");
        GenloomException e = assertThrows(GenloomException.class, () -> Schedulers.create("euler-a",
                Reference.sd15().withPredictionType(PredictionType.SAMPLE), 20));
        assertEquals(ErrorKind.UNSUPPORTED, e.kind());
        assertThrows(NullPointerException.class, () -> a.step(E, 0, X, null));
    }

    /** Simpson's rule with many panels, as an independent integral. */
    private static double integrate(DoubleUnaryOperator f, double a, double b) {
        int n = 2000;
        double h = (b - a) / n;
        double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
        }
        return sum * h / 3;
    }

    @Test
    void lmsUsesIntegratedLagrangeCoefficients() {
        LmsScheduler s = (LmsScheduler) Schedulers.create("lms", Reference.sdBetas("LMSDiscreteScheduler"), 10);
        double[] sig = s.sigmas();
        float[] d0 = Reference.floats(0.2, -0.1, 0.4);
        float[] d1 = Reference.floats(-0.3, 0.25, 0.05);
        // with epsilon prediction the derivative (x - x0) / sigma is the predicted noise itself
        float[] x1 = s.step(d0, 0, X, null);
        double[] euler = new double[3];
        for (int k = 0; k < 3; k++) {
            euler[k] = X[k] + d0[k] * (sig[1] - sig[0]);
        }
        assertClose(euler, x1, "first step: Euler");
        double c0 = (Math.pow(sig[2] - sig[0], 2) - Math.pow(sig[1] - sig[0], 2)) / (2 * (sig[1] - sig[0]));
        double c1 = Math.pow(sig[2] - sig[1], 2) / (2 * (sig[0] - sig[1]));
        double[] second = new double[3];
        for (int k = 0; k < 3; k++) {
            second[k] = x1[k] + c0 * d1[k] + c1 * d0[k];
        }
        assertClose(second, s.step(d1, 1, x1, null), "second step: order 2");
        for (int j = 0; j < 4; j++) {
            int jj = j;
            double expected = integrate(tau -> {
                double p = 1;
                for (int m = 0; m < 4; m++) {
                    if (m != jj) {
                        p *= (tau - sig[5 - m]) / (sig[5 - jj] - sig[5 - m]);
                    }
                }
                return p;
            }, sig[5], sig[6]);
            assertEquals(expected, s.coefficient(4, 5, j), 1e-9 * Math.max(1, Math.abs(expected)), "order-4 coefficient " + j);
        }
    }
}
