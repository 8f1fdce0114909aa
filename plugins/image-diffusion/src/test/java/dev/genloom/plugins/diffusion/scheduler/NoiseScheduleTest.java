package dev.genloom.plugins.diffusion.scheduler;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared noise schedule and timestep spacings against the formulas written out in {@link Reference}. */
class NoiseScheduleTest {

    private static SchedulerConfig resolved(SchedulerConfig cfg, Map<ConfigKey, Object> defaults) {
        return cfg.withDefaults(defaults);
    }

    @Test
    void stableDiffusionScaledLinearSigmas() {
        NoiseSchedule s = NoiseSchedule.of(resolved(Reference.sd15(), PndmScheduler.DEFAULTS), false, false);
        double[] abar = Reference.sdAlphasCumprod();
        assertEquals(1000, s.trainSteps());
        for (int t = 0; t < 1000; t += 37) {
            assertEquals(abar[t], s.alphaCumprod(t), 1e-12, "abar at " + t);
        }
        assertEquals(14.6146, s.sigma(999), 1e-4, "SD's sigma_max");
        assertEquals(0.0292, s.sigma(0), 1e-4, "SD's sigma_min");
        assertEquals(Reference.sigma(abar[999]), s.sigma(999), 1e-9);
        // linear interpolation between training timesteps
        assertEquals(Reference.sigmaAt(abar, 500.25), s.sigmaAt(500.25), 1e-12);
        assertEquals(Reference.sigma(abar[0]), s.sigmaAt(-3), 1e-12);
        assertEquals(Reference.sigma(abar[999]), s.sigmaAt(1200), 1e-12);
    }

    @Test
    void sigmaToTimestepIsLogLinearAndInvertsTheTrainingSigmas() {
        NoiseSchedule s = NoiseSchedule.of(resolved(Reference.sd15(), PndmScheduler.DEFAULTS), false, false);
        double[] abar = Reference.sdAlphasCumprod();
        for (int t : new int[] {0, 1, 250, 998, 999}) {
            assertEquals(t, s.timestepOf(Reference.sigma(abar[t])), 1e-6, "timestep of sigma_" + t);
        }
        double lo = Math.log(Reference.sigma(abar[400]));
        double hi = Math.log(Reference.sigma(abar[401]));
        double between = Math.exp(lo + 0.3 * (hi - lo));
        assertEquals(400.3, s.timestepOf(between), 1e-9);
        assertEquals(0, s.timestepOf(1e-6), 1e-12, "below the range: clamped");
        assertEquals(999, s.timestepOf(100), 1e-12, "above the range: clamped");
    }

    @Test
    void leadingSpacingWithStepsOffset() {
        double[] t = Timesteps.of(TimestepSpacing.LEADING, 1000, 50, 1);
        assertEquals(50, t.length);
        for (int i = 0; i < 50; i++) {
            assertEquals(981 - 20 * i, t[i], 0, "leading " + i);
        }
        assertEquals(1, t[49]);
    }

    @Test
    void trailingAndLinspaceSpacing() {
        assertArrayEquals(new double[] {999}, Timesteps.of(TimestepSpacing.TRAILING, 1000, 1, 0));
        // round(1000 - i * 1000 / 3) - 1 = 999, 666, 332 (666.67 -> 667 - 1, 333.33 -> 333 - 1)
        assertArrayEquals(new double[] {999, 666, 332}, Timesteps.of(TimestepSpacing.TRAILING, 1000, 3, 0));
        assertArrayEquals(new double[] {999, 749, 499, 249}, Timesteps.of(TimestepSpacing.TRAILING, 1000, 4, 0));
        // numpy's arange(1000, 0, -1000/61) has 62 values; a run of 61 steps keeps 61
        assertEquals(61, Timesteps.of(TimestepSpacing.TRAILING, 1000, 61, 0).length);
        double[] lin = Timesteps.of(TimestepSpacing.LINSPACE, 1000, 4, 5);
        assertArrayEquals(new double[] {999, 666, 333, 0}, lin, 1e-12, "linspace ignores steps_offset");
        double[] lin50 = Timesteps.of(TimestepSpacing.LINSPACE, 1000, 50, 0);
        assertEquals(999.0 * 48 / 49, lin50[1], 1e-9);
        // half to even, as numpy: 999 * 1/6 = 166.5 -> 166, 999 * 5/6 = 832.5 -> 832
        double[] r = Timesteps.rounded(Timesteps.of(TimestepSpacing.LINSPACE, 1000, 7, 0));
        assertArrayEquals(new double[] {999, 832, 666, 500, 333, 166, 0}, r);
    }

    @Test
    void karrasSigmasSpanTheRangeEvenlyInTheSeventhRoot() {
        double max = 14.6146;
        double min = 0.0292;
        double[] k = NoiseSchedule.karras(max, min, 25);
        assertEquals(25, k.length);
        assertEquals(max, k[0], 1e-9);
        assertEquals(min, k[24], 1e-9);
        double step = Math.pow(min, 1 / 7.0) - Math.pow(max, 1 / 7.0);
        for (int i = 0; i < 25; i++) {
            double expected = Math.pow(Math.pow(max, 1 / 7.0) + step * i / 24, 7);
            assertEquals(expected, k[i], 1e-9, "karras sigma " + i);
        }
        assertArrayEquals(new double[] {max}, NoiseSchedule.karras(max, min, 1), 1e-12);
    }

    @Test
    void cosineBetasAndTrainedBetas() {
        double[] b = NoiseSchedule.betas(BetaSchedule.SQUAREDCOS_CAP_V2, 0, 0, 1000);
        for (int i : new int[] {0, 500, 998, 999}) {
            double f1 = Math.pow(Math.cos((i / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            double f2 = Math.pow(Math.cos(((i + 1) / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            assertEquals(Math.min(1 - f2 / f1, 0.999), b[i], 1e-12, "cosine beta " + i);
        }
        assertEquals(0.999, b[999], 0, "capped");
        double[] lin = NoiseSchedule.betas(BetaSchedule.LINEAR, 0.0001, 0.02, 1000);
        assertEquals(0.0001, lin[0], 1e-15);
        assertEquals(0.02, lin[999], 1e-15);
        assertEquals(0.0001 + (0.02 - 0.0001) * 321 / 999, lin[321], 1e-15);

        SchedulerConfig trained = Reference.config("{\"num_train_timesteps\": 3, \"trained_betas\": [0.1, 0.2, 0.5]}")
                .withDefaults(DdimScheduler.DEFAULTS);
        NoiseSchedule s = NoiseSchedule.of(trained, true, false);
        assertEquals(0.9, s.alphaCumprod(0), 1e-12);
        assertEquals(0.9 * 0.8, s.alphaCumprod(1), 1e-12);
        assertEquals(0.9 * 0.8 * 0.5, s.alphaCumprod(2), 1e-12);
    }

    @Test
    void zeroTerminalSnrRescale() {
        double[] betas = NoiseSchedule.betas(BetaSchedule.SCALED_LINEAR, 0.00085, 0.012, 1000);
        double[] abar = Reference.sdAlphasCumprod();
        double[] rescaled = NoiseSchedule.rescaleZeroTerminalSnr(betas);
        double p = 1;
        double first = Math.sqrt(abar[0]);
        double last = Math.sqrt(abar[999]);
        for (int t = 0; t < 1000; t++) {
            p *= 1 - rescaled[t];
            double expected = Math.pow((Math.sqrt(abar[t]) - last) * first / (first - last), 2);
            assertEquals(expected, p, 1e-9, "rescaled abar at " + t);
        }
        assertEquals(abar[0], 1 - rescaled[0], 1e-12, "the first abar stays");
        assertEquals(1.0, rescaled[999], 1e-12, "terminal SNR zero");
        SchedulerConfig zero = Reference.sd15().with(ConfigKey.RESCALE_BETAS_ZERO_SNR, true)
                .withDefaults(EulerScheduler.DEFAULTS);
        assertEquals(Math.pow(2, -24), NoiseSchedule.of(zero, true, true).alphaCumprod(999), 0,
                "the sigma samplers clamp the zero to 2^-24");
        assertEquals(0, NoiseSchedule.of(zero, true, false).alphaCumprod(999), 1e-15);
        assertTrue(NoiseSchedule.of(zero, false, false).alphaCumprod(999) > 0.004, "a scheduler without the key ignores it");
    }
}
