package dev.genloom.plugins.diffusion.scheduler;

import dev.genloom.api.GenloomException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * diffusers' {@code PNDMScheduler} (Liu et al. 2022, pseudo numerical methods): the linear
 * multistep PLMS on the DDIM transfer {@code x' = sqrt(abar'/abar) x - (abar' - abar) eps /
 * (abar sqrt(1 - abar') + sqrt(abar (1 - abar) abar'))}. With {@code skip_prk_steps} (Stable
 * Diffusion) it warms up as diffusers does: the first step is repeated at the same timestep and the
 * two noises averaged (so a run of N steps calls the UNet N + 1 times), then Adams-Bashforth of
 * order 2, 3 and 4. Without it, the first three steps are pseudo Runge-Kutta (four UNet calls
 * each, at the step's start, its midpoint twice and its end), then PLMS of order 4. Predicts from
 * epsilon or v (sample prediction is refused, as in diffusers); honours {@code set_alpha_to_one}.
 */
final class PndmScheduler extends AlphaScheduler {
    static final String CLASS = "PNDMScheduler";
    static final Map<ConfigKey, Object> DEFAULTS = Defaults.of(
            ConfigKey.SKIP_PRK_STEPS, false,
            ConfigKey.SET_ALPHA_TO_ONE, false,
            ConfigKey.TIMESTEP_SPACING, TimestepSpacing.LEADING);
    private static final int PRK_STEPS = 12;

    private final int stride;
    private final boolean prk;
    private final List<float[]> ets = new ArrayList<>();
    private double[] rungeKuttaSum;
    private float[] heldSample;

    private PndmScheduler(double[] timesteps, NoiseSchedule schedule, SchedulerConfig cfg, int steps) {
        super("pndm", timesteps, schedule, cfg.flag(ConfigKey.SET_ALPHA_TO_ONE), cfg.predictionType());
        this.stride = schedule.trainSteps() / steps;
        this.prk = !cfg.flag(ConfigKey.SKIP_PRK_STEPS);
    }

    /** The run of a config resolved with {@link #DEFAULTS}. */
    static PndmScheduler create(SchedulerConfig cfg, int steps) {
        int trainSteps = cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS);
        checkSteps("pndm", steps, trainSteps);
        if (cfg.predictionType() == PredictionType.SAMPLE) {
            throw cfg.unsupported(ConfigKey.PREDICTION_TYPE, "pndm", "\"epsilon\" and \"v_prediction\", as diffusers");
        }
        double[] ascending = Timesteps.reversed(integerTimesteps(cfg, steps));
        int n = ascending.length;
        double[] timesteps;
        if (cfg.flag(ConfigKey.SKIP_PRK_STEPS)) {
            // diffusers: concat(ts[:-1], ts[-2:-1], ts[-1:]) reversed: the second highest timestep twice
            List<Double> plms = new ArrayList<>();
            for (int i = n - 1; i >= 0; i--) {
                plms.add(ascending[i]);
                if (i == n - 2) {
                    plms.add(ascending[i]);
                }
            }
            timesteps = plms.stream().mapToDouble(Double::doubleValue).toArray();
        } else {
            if (steps < 4) {
                throw GenloomException.invalidInput("The pndm scheduler's Runge-Kutta warm-up needs at least 4 steps, not "
                        + steps + " (" + cfg.where() + " has \"skip_prk_steps\" false)",
                        "Use 4 or more steps, or set skip_prk_steps to true");
            }
            timesteps = new double[PRK_STEPS + n - 3];
            int half = trainSteps / steps / 2;
            // the seven points a, a + h/2, b, ..., d of the last four timesteps, highest first, the
            // inner ones twice: d, c + h/2, c + h/2, c, c, ..., a + h/2, a + h/2, a
            for (int j = 0; j < PRK_STEPS; j++) {
                timesteps[j] = prkPoint(ascending, half, 6 - (j + 1) / 2);
            }
            for (int i = n - 4, j = PRK_STEPS; i >= 0; i--, j++) {
                timesteps[j] = ascending[i];
            }
        }
        return new PndmScheduler(timesteps, NoiseSchedule.of(cfg, false, false), cfg, steps);
    }

    /** Whether the run warms up with pseudo Runge-Kutta steps ({@code skip_prk_steps} false). */
    boolean rungeKutta() {
        return prk;
    }

    /** The k-th of the seven points t_a, t_a + h/2, ..., t_d of the last four timesteps, lowest first. */
    private static double prkPoint(double[] ascending, int half, int k) {
        double base = ascending[ascending.length - 4 + k / 2];
        return k % 2 == 0 ? base : base + half;
    }

    @Override
    public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        int counter = advance(i);
        checkSameLength(modelOutput, sample);
        if (prk && counter != i) {
            throw new IllegalStateException("the pndm scheduler's Runge-Kutta warm-up starts at step 0, not " + (i - counter));
        }
        return prk && counter < PRK_STEPS ? rungeKutta(modelOutput, i, counter, sample)
                : linearMultistep(modelOutput, i, counter, sample);
    }

    private float[] rungeKutta(float[] out, int i, int counter, float[] sample) {
        int t = (int) timestep(i);
        int prev = t - (counter % 2 == 1 ? 0 : stride / 2);
        int from = (int) timestep(counter / 4 * 4);
        int phase = counter % 4;
        float[] eps = out;
        if (phase == 0) {
            rungeKuttaSum = new double[out.length];
            ets.add(out.clone());
            heldSample = sample.clone();
        }
        if (phase < 3) {
            double w = phase == 0 ? 1.0 / 6 : 1.0 / 3;
            for (int k = 0; k < out.length; k++) {
                rungeKuttaSum[k] += w * out[k];
            }
        } else {
            eps = new float[out.length];
            for (int k = 0; k < out.length; k++) {
                eps[k] = (float) (rungeKuttaSum[k] + out[k] / 6.0);
            }
        }
        return transfer(heldSample, from, prev, eps);
    }

    private float[] linearMultistep(float[] out, int i, int counter, float[] sample) {
        int t = (int) timestep(i);
        int prev = t - stride;
        if (counter != 1) {
            while (ets.size() > 3) {
                ets.remove(0);
            }
            ets.add(out.clone());
        } else {
            prev = t;
            t = t + stride;
        }
        int n = ets.size();
        float[] eps = new float[out.length];
        float[] x = sample;
        for (int k = 0; k < out.length; k++) {
            double e;
            if (n == 1 && counter == 0) {
                e = out[k];
            } else if (n == 1 && counter == 1) {
                e = (out[k] + ets.get(0)[k]) / 2.0;
            } else if (n == 2) {
                e = (3.0 * ets.get(1)[k] - ets.get(0)[k]) / 2;
            } else if (n == 3) {
                e = (23.0 * ets.get(2)[k] - 16.0 * ets.get(1)[k] + 5.0 * ets.get(0)[k]) / 12;
            } else {
                e = (55.0 * ets.get(3)[k] - 59.0 * ets.get(2)[k] + 37.0 * ets.get(1)[k] - 9.0 * ets.get(0)[k]) / 24;
            }
            eps[k] = (float) e;
        }
        if (n == 1 && counter == 0) {
            heldSample = sample.clone();
        } else if (n == 1 && counter == 1) {
            x = heldSample;
            heldSample = null;
        }
        return transfer(x, t, prev, eps);
    }

    /** diffusers' {@code _get_prev_sample}: from timestep t to prev with the (v converted to) noise. */
    private float[] transfer(float[] sample, int t, int prev, float[] out) {
        NoiseLevel now = level(t);
        double a = now.signal() * now.signal();
        NoiseLevel then = level(prev);
        double aPrev = then.signal() * then.signal();
        double sampleCoeff = Math.sqrt(aPrev / a);
        double denominator = a * then.noise() + Math.sqrt(a * (1 - a) * aPrev);
        float[] x = new float[sample.length];
        for (int k = 0; k < x.length; k++) {
            double eps = now.epsilon(prediction(), out[k], sample[k]);
            x[k] = (float) (sampleCoeff * sample[k] - (aPrev - a) * eps / denominator);
        }
        return x;
    }
}
