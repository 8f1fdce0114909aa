package dev.genloom.plugins.diffusion.scheduler;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The keys of diffusers' {@code scheduler_config.json} that Genloom reads, with the type and range
 * of each. Which scheduler honours which key, and its default there, is the scheduler's business
 * (diffusers' defaults differ between classes: {@code timestep_spacing} is {@code leading} for
 * DDIM and {@code linspace} for Euler). The last group is recognised so that a value other than
 * the neutral one is refused clearly instead of being ignored.
 */
public enum ConfigKey {
    NUM_TRAIN_TIMESTEPS("num_train_timesteps", ValueKind.integer(2, 100_000)),
    BETA_START("beta_start", ValueKind.number(0, 1, true)),
    BETA_END("beta_end", ValueKind.number(0, 1, true)),
    BETA_SCHEDULE("beta_schedule", ValueKind.choice(BetaSchedule.class)),
    TRAINED_BETAS("trained_betas", ValueKind.betas()),
    PREDICTION_TYPE("prediction_type", ValueKind.choice(PredictionType.class)),
    TIMESTEP_SPACING("timestep_spacing", ValueKind.choice(TimestepSpacing.class)),
    STEPS_OFFSET("steps_offset", ValueKind.integer(0, 100_000)),
    SET_ALPHA_TO_ONE("set_alpha_to_one", ValueKind.bool()),
    CLIP_SAMPLE("clip_sample", ValueKind.bool()),
    CLIP_SAMPLE_RANGE("clip_sample_range", ValueKind.number(0, Double.POSITIVE_INFINITY, true)),
    USE_KARRAS_SIGMAS("use_karras_sigmas", ValueKind.bool()),
    SIGMA_MIN("sigma_min", ValueKind.number(0, Double.MAX_VALUE, true)),
    SIGMA_MAX("sigma_max", ValueKind.number(0, Double.MAX_VALUE, true)),
    FINAL_SIGMAS_TYPE("final_sigmas_type", ValueKind.choice(FinalSigmas.class)),
    INTERPOLATION_TYPE("interpolation_type", ValueKind.words("linear", "log_linear")),
    TIMESTEP_TYPE("timestep_type", ValueKind.words("discrete", "continuous")),
    RESCALE_BETAS_ZERO_SNR("rescale_betas_zero_snr", ValueKind.bool()),
    SKIP_PRK_STEPS("skip_prk_steps", ValueKind.bool()),
    SOLVER_ORDER("solver_order", ValueKind.integer(1, 3)),
    SOLVER_TYPE("solver_type", ValueKind.words("midpoint", "heun", "logrho", "bh1", "bh2")),
    ALGORITHM_TYPE("algorithm_type",
            ValueKind.words("dpmsolver++", "sde-dpmsolver++", "dpmsolver", "sde-dpmsolver", "deis")),
    LOWER_ORDER_FINAL("lower_order_final", ValueKind.bool()),
    EULER_AT_FINAL("euler_at_final", ValueKind.bool()),
    LAMBDA_MIN_CLIPPED("lambda_min_clipped", ValueKind.number(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            false)),
    ORIGINAL_INFERENCE_STEPS("original_inference_steps", ValueKind.integer(1, 100_000)),
    TIMESTEP_SCALING("timestep_scaling", ValueKind.number(0, Double.MAX_VALUE, false)),
    // Recognised; only the neutral value is implemented.
    THRESHOLDING("thresholding", ValueKind.bool()),
    USE_EXPONENTIAL_SIGMAS("use_exponential_sigmas", ValueKind.bool()),
    USE_BETA_SIGMAS("use_beta_sigmas", ValueKind.bool()),
    USE_LU_LAMBDAS("use_lu_lambdas", ValueKind.bool()),
    USE_FLOW_SIGMAS("use_flow_sigmas", ValueKind.bool()),
    VARIANCE_TYPE("variance_type", ValueKind.words("fixed_small", "fixed_small_log", "fixed_large",
            "fixed_large_log", "learned", "learned_range"));

    private final String json;
    private final ValueKind kind;

    ConfigKey(String json, ValueKind kind) {
        this.json = json;
        this.kind = kind;
    }

    /** The key's name in {@code scheduler_config.json}. */
    public String json() {
        return json;
    }

    /** The key of a JSON name, if Genloom reads it. */
    public static Optional<ConfigKey> of(String json) {
        return Arrays.stream(values()).filter(k -> k.json.equals(json)).findFirst();
    }

    /** Every key's JSON name, comma separated (for messages). */
    static String allNames() {
        return Arrays.stream(values()).map(ConfigKey::json).collect(Collectors.joining(", "));
    }

    /** The Java value of a (non-null) JSON value for this key. */
    Object read(JsonNode node) throws ValueKind.BadValue {
        return kind.read(node);
    }
}
