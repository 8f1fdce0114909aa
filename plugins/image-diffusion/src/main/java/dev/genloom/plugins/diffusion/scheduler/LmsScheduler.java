package dev.genloom.plugins.diffusion.scheduler;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * diffusers' {@code LMSDiscreteScheduler}: the linear multistep method of order 4 on the
 * probability-flow ODE. The derivatives {@code d = (x - x0) / sigma} of the last four steps are
 * combined with coefficients that integrate their Lagrange basis polynomials (in sigma) from this
 * step's sigma to the next one's; the first steps of a run use the history it has. Honours
 * {@code use_karras_sigmas}; ends at sigma 0.
 *
 * <p>One deliberate difference: diffusers takes the order from the step index, so an
 * image-to-image run that starts part way combines the coefficients of order 4 with the one or
 * two derivatives it has (their sum is then not the step's length). Here the order is that of the
 * history, which is the same for a run from step 0 and a proper multistep start otherwise.
 */
final class LmsScheduler extends SigmaScheduler {
    static final String CLASS = "LMSDiscreteScheduler";
    static final int ORDER = 4;
    static final Map<ConfigKey, Object> DEFAULTS = Defaults.of(
            ConfigKey.USE_KARRAS_SIGMAS, false,
            ConfigKey.USE_EXPONENTIAL_SIGMAS, false,
            ConfigKey.USE_BETA_SIGMAS, false,
            ConfigKey.TIMESTEP_SPACING, TimestepSpacing.LINSPACE);
    /** Gauss-Legendre nodes and weights on [-1, 1]: exact for the cubic basis polynomials. */
    private static final double[] NODES = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563,
        0.8611363115940526};
    private static final double[] WEIGHTS = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461,
        0.3478548451374538};

    private final Deque<double[]> derivatives = new ArrayDeque<>();

    private LmsScheduler(double[] timesteps, double[] sigmas, SchedulerConfig cfg) {
        super("lms", timesteps, sigmas, cfg.choice(ConfigKey.TIMESTEP_SPACING, TimestepSpacing.class),
                cfg.predictionType());
    }

    /** The run of a config resolved with {@link #DEFAULTS}. */
    static LmsScheduler create(SchedulerConfig cfg, int steps) {
        checkSteps("lms", steps, cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS));
        cfg.requireNeutral(ConfigKey.USE_EXPONENTIAL_SIGMAS, false, "lms");
        cfg.requireNeutral(ConfigKey.USE_BETA_SIGMAS, false, "lms");
        Plan plan = interpolated(NoiseSchedule.of(cfg, false, false), cfg, steps,
                cfg.flag(ConfigKey.USE_KARRAS_SIGMAS), null, null);
        return new LmsScheduler(plan.timesteps(), NoiseSchedule.append(plan.sigmas(), 0), cfg);
    }

    /**
     * The integral from sigma(i) to sigma(i + 1) of the Lagrange basis polynomial that is 1 at
     * sigma(i - j) and 0 at the other sigma(i - m), m below {@code order}.
     */
    double coefficient(int order, int i, int j) {
        double a = sigma(i);
        double b = sigma(i + 1);
        double half = (b - a) / 2;
        double sum = 0;
        for (int n = 0; n < NODES.length; n++) {
            double tau = a + half * (NODES[n] + 1);
            double prod = 1;
            for (int m = 0; m < order; m++) {
                if (m != j) {
                    prod *= (tau - sigma(i - m)) / (sigma(i - j) - sigma(i - m));
                }
            }
            sum += WEIGHTS[n] * prod;
        }
        return sum * half;
    }

    @Override
    public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        int taken = advance(i);
        double[] x0 = original(modelOutput, i, sample);
        double sigma = sigma(i);
        double[] d = new double[sample.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = (sample[k] - x0[k]) / sigma;
        }
        derivatives.addFirst(d);
        if (derivatives.size() > ORDER) {
            derivatives.removeLast();
        }
        int order = Math.min(taken + 1, ORDER);
        double[] acc = new double[sample.length];
        for (int k = 0; k < acc.length; k++) {
            acc[k] = sample[k];
        }
        Iterator<double[]> newestFirst = derivatives.iterator();
        for (int j = 0; j < order; j++) {
            double c = coefficient(order, i, j);
            double[] dj = newestFirst.next();
            for (int k = 0; k < acc.length; k++) {
                acc[k] += c * dj[k];
            }
        }
        float[] out = new float[sample.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) acc[k];
        }
        return out;
    }
}
