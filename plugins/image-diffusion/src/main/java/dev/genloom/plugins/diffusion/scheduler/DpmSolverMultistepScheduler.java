package dev.genloom.plugins.diffusion.scheduler;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * diffusers' {@code DPMSolverMultistepScheduler} with {@code algorithm_type} {@code dpmsolver++}
 * (Lu et al. 2022): exponential-integrator steps in {@code lambda = ln(alpha / sigma)} on the
 * predicted clean samples of the last {@code solver_order} steps (2 by default: DPM-Solver++ 2M;
 * with {@code use_karras_sigmas}, "DPM++ 2M Karras"). The first step of a run is first order, and
 * the last one too where {@code final_sigmas_type} is zero, {@code euler_at_final} is set, or
 * {@code lower_order_final} is set and the run is shorter than 15 steps (then its second-to-last
 * step is at most second order). Honours {@code solver_type} (midpoint, heun),
 * {@code lambda_min_clipped}, {@code rescale_betas_zero_snr} and every prediction type.
 */
final class DpmSolverMultistepScheduler extends AbstractScheduler {
    static final String CLASS = "DPMSolverMultistepScheduler";
    static final Map<ConfigKey, Object> DEFAULTS = Defaults.of(
            ConfigKey.SOLVER_ORDER, 2,
            ConfigKey.THRESHOLDING, false,
            ConfigKey.ALGORITHM_TYPE, "dpmsolver++",
            ConfigKey.SOLVER_TYPE, "midpoint",
            ConfigKey.LOWER_ORDER_FINAL, true,
            ConfigKey.EULER_AT_FINAL, false,
            ConfigKey.USE_KARRAS_SIGMAS, false,
            ConfigKey.USE_EXPONENTIAL_SIGMAS, false,
            ConfigKey.USE_BETA_SIGMAS, false,
            ConfigKey.USE_LU_LAMBDAS, false,
            ConfigKey.USE_FLOW_SIGMAS, false,
            ConfigKey.FINAL_SIGMAS_TYPE, FinalSigmas.ZERO,
            ConfigKey.LAMBDA_MIN_CLIPPED, Double.NEGATIVE_INFINITY,
            ConfigKey.TIMESTEP_SPACING, TimestepSpacing.LINSPACE,
            ConfigKey.RESCALE_BETAS_ZERO_SNR, false);
    /** diffusers lowers the order of the final steps of runs shorter than this. */
    private static final int SHORT_RUN = 15;

    private final double[] sigmas;
    private final PredictionType prediction;
    private final int order;
    private final boolean heun;
    private final boolean lowerOrderFinal;
    private final boolean firstOrderAtEnd;
    private final Deque<double[]> originals = new ArrayDeque<>();

    private DpmSolverMultistepScheduler(String name, double[] timesteps, double[] sigmas, SchedulerConfig cfg) {
        super(name, timesteps);
        this.sigmas = sigmas;
        this.prediction = cfg.predictionType();
        this.order = cfg.integer(ConfigKey.SOLVER_ORDER);
        this.heun = cfg.word(ConfigKey.SOLVER_TYPE).equals("heun");
        this.lowerOrderFinal = cfg.flag(ConfigKey.LOWER_ORDER_FINAL) && timesteps.length < SHORT_RUN;
        this.firstOrderAtEnd = cfg.flag(ConfigKey.EULER_AT_FINAL) || lowerOrderFinal
                || cfg.choice(ConfigKey.FINAL_SIGMAS_TYPE, FinalSigmas.class) == FinalSigmas.ZERO;
    }

    /** The run of a config resolved with {@link #DEFAULTS}. */
    static DpmSolverMultistepScheduler create(SchedulerConfig cfg, int steps) {
        boolean karras = cfg.flag(ConfigKey.USE_KARRAS_SIGMAS);
        String name = karras ? "dpm++2m-karras" : "dpm++2m";
        int trainSteps = cfg.integer(ConfigKey.NUM_TRAIN_TIMESTEPS);
        checkSteps(name, steps, trainSteps - 1);
        String algorithm = cfg.word(ConfigKey.ALGORITHM_TYPE);
        if (!algorithm.equals("dpmsolver++") && !algorithm.equals("deis")) { // diffusers runs deis as dpmsolver++
            throw cfg.unsupported(ConfigKey.ALGORITHM_TYPE, name, "\"dpmsolver++\" only");
        }
        for (ConfigKey k : new ConfigKey[] {ConfigKey.THRESHOLDING, ConfigKey.USE_EXPONENTIAL_SIGMAS,
            ConfigKey.USE_BETA_SIGMAS, ConfigKey.USE_LU_LAMBDAS, ConfigKey.USE_FLOW_SIGMAS}) {
            cfg.requireNeutral(k, false, name);
        }
        Object variance = cfg.optional(ConfigKey.VARIANCE_TYPE);
        if ("learned".equals(variance) || "learned_range".equals(variance)) {
            throw cfg.unsupported(ConfigKey.VARIANCE_TYPE, name, "fixed variances (a UNet predicting one noise)");
        }
        NoiseSchedule schedule = NoiseSchedule.of(cfg, true, true);
        int last = trainSteps - clippedCount(schedule, cfg.number(ConfigKey.LAMBDA_MIN_CLIPPED));
        int offset = cfg.integer(ConfigKey.STEPS_OFFSET);
        double[] timesteps;
        switch (cfg.choice(ConfigKey.TIMESTEP_SPACING, TimestepSpacing.class)) {
            case LINSPACE:
                timesteps = Timesteps.dropLast(Timesteps.rounded(Timesteps.linspace(last - 1, steps + 1)));
                break;
            case LEADING:
                timesteps = Timesteps.dropLast(Timesteps.leading(last, steps + 1, 0));
                for (int i = 0; i < timesteps.length; i++) {
                    timesteps[i] += offset;
                }
                break;
            default:
                double ratio = (double) trainSteps / steps;
                timesteps = Timesteps.trailing(last, ratio, last == trainSteps ? steps : (int) Math.ceil(last / ratio));
        }
        double[] sigmas;
        if (karras) {
            sigmas = NoiseSchedule.karras(schedule.sigma(trainSteps - 1), schedule.sigma(0), steps);
            timesteps = schedule.timestepsOf(sigmas);
            // diffusers rounds them (except for the cosine schedule), then keeps them as int64: truncated
            boolean round = cfg.choice(ConfigKey.BETA_SCHEDULE, BetaSchedule.class) != BetaSchedule.SQUAREDCOS_CAP_V2;
            for (int i = 0; i < timesteps.length; i++) {
                timesteps[i] = round ? Math.rint(timesteps[i]) : Math.floor(timesteps[i]);
            }
        } else {
            sigmas = schedule.sigmasAt(timesteps);
        }
        double end = cfg.choice(ConfigKey.FINAL_SIGMAS_TYPE, FinalSigmas.class) == FinalSigmas.SIGMA_MIN
                ? schedule.sigma(0) : 0;
        return new DpmSolverMultistepScheduler(name, timesteps, NoiseSchedule.append(sigmas, end), cfg);
    }

    /** How many of the highest training timesteps have lambda below the clip (numpy's searchsorted, left). */
    private static int clippedCount(NoiseSchedule schedule, double lambdaMin) {
        int n = 0;
        for (int t = schedule.trainSteps() - 1; t >= 0; t--) {
            if (lambda(NoiseLevel.ofAlphaCumprod(schedule.alphaCumprod(t))) < lambdaMin) {
                n++;
            }
        }
        return n;
    }

    private static double lambda(NoiseLevel level) {
        return Math.log(level.signal()) - Math.log(level.noise());
    }

    /** The run's sigmas: one per step and the final one. */
    double[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public double initNoiseSigma() {
        return 1.0;
    }

    @Override
    public float[] scaleModelInput(float[] sample, int i) {
        checkIndex(i);
        return sample.clone();
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, int i) {
        checkIndex(i);
        checkSameLength(original, noise);
        NoiseLevel level = NoiseLevel.ofSigma(sigmas[i]);
        float[] out = new float[original.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) level.noised(original[k], noise[k]);
        }
        return out;
    }

    @Override
    public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        int taken = advance(i);
        checkSameLength(modelOutput, sample);
        int n = steps();
        NoiseLevel s0 = NoiseLevel.ofSigma(sigmas[i]);
        double[] x0 = new double[sample.length];
        for (int k = 0; k < x0.length; k++) {
            x0[k] = s0.original(prediction, modelOutput[k], sample[k]);
        }
        originals.addFirst(x0);
        if (originals.size() > order) {
            originals.removeLast();
        }
        int lowerOrderNums = Math.min(taken, order);
        boolean finalStep = i == n - 1 && firstOrderAtEnd;
        boolean secondToLast = i == n - 2 && lowerOrderFinal;
        int use;
        if (order == 1 || lowerOrderNums < 1 || finalStep) {
            use = 1;
        } else if (order == 2 || lowerOrderNums < 2 || secondToLast) {
            use = 2;
        } else {
            use = 3;
        }
        NoiseLevel t = NoiseLevel.ofSigma(sigmas[i + 1]);
        double h = lambda(t) - lambda(s0);
        double ratio = t.noise() / s0.noise();
        double phi1 = Math.expm1(-h); // exp(-h) - 1
        Iterator<double[]> newestFirst = originals.iterator();
        double[] m0 = newestFirst.next();
        double[] m1 = use >= 2 ? newestFirst.next() : null;
        double[] m2 = use >= 3 ? newestFirst.next() : null;
        double r0 = use >= 2 ? (lambda(s0) - lambda(NoiseLevel.ofSigma(sigmas[i - 1]))) / h : 0;
        double r1 = use >= 3 ? (lambda(NoiseLevel.ofSigma(sigmas[i - 1])) - lambda(NoiseLevel.ofSigma(sigmas[i - 2]))) / h : 0;
        float[] out = new float[sample.length];
        for (int k = 0; k < out.length; k++) {
            double x = ratio * sample[k] - t.signal() * phi1 * m0[k];
            if (use == 2) {
                double d1 = (m0[k] - m1[k]) / r0;
                x += heun ? t.signal() * (phi1 / h + 1) * d1 : -0.5 * t.signal() * phi1 * d1;
            } else if (use == 3) {
                double d10 = (m0[k] - m1[k]) / r0;
                double d11 = (m1[k] - m2[k]) / r1;
                double d1 = d10 + r0 / (r0 + r1) * (d10 - d11);
                double d2 = (d10 - d11) / (r0 + r1);
                x += t.signal() * (phi1 / h + 1) * d1 - t.signal() * ((phi1 + h) / (h * h) - 0.5) * d2;
            }
            out[k] = (float) x;
        }
        return out;
    }
}
