package dev.genloom.zoo.testkit.diffusion;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code scheduler/scheduler_config.json} files the real pipelines ship, with Stable
 * Diffusion's betas ({@code scaled_linear}, 0.00085 to 0.012, 1000 training steps) in all of them.
 */
public enum SchedulerPreset {
    /** SD 1.x: {@code PNDMScheduler}, epsilon, leading spacing, steps offset 1. */
    PNDM_SD1,
    /** SD 2.1 (768): {@code DDIMScheduler} with {@code prediction_type: v_prediction}, as stable-diffusion-2-1 ships it. */
    DDIM_V_PREDICTION,
    /** SD 2.1 as often re-saved: {@code EulerDiscreteScheduler} with {@code v_prediction}. */
    EULER_V_PREDICTION,
    /** SDXL base: {@code EulerDiscreteScheduler}, epsilon, leading spacing, steps offset 1. */
    EULER_XL,
    /** SDXL-Turbo: {@code EulerAncestralDiscreteScheduler}, {@code timestep_spacing: trailing}. */
    EULER_ANCESTRAL_TURBO,
    /** LCM (LCM_Dreamshaper_v7): {@code LCMScheduler}, 50 original steps, timestep scaling 10. */
    LCM;

    /** The file's contents. */
    public ObjectNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("_class_name", className());
        o.put("_diffusers_version", version());
        o.put("beta_end", 0.012);
        o.put("beta_schedule", "scaled_linear");
        o.put("beta_start", 0.00085);
        o.put("clip_sample", false);
        switch (this) {
            case PNDM_SD1 -> {
                o.put("num_train_timesteps", 1000);
                o.put("prediction_type", "epsilon");
                o.put("set_alpha_to_one", false);
                o.put("skip_prk_steps", true);
                o.put("steps_offset", 1);
                o.put("timestep_spacing", "leading");
            }
            case DDIM_V_PREDICTION -> {
                o.put("num_train_timesteps", 1000);
                o.put("prediction_type", "v_prediction");
                o.put("set_alpha_to_one", false);
                o.put("skip_prk_steps", true);
                o.put("steps_offset", 1);
            }
            case EULER_V_PREDICTION, EULER_XL, EULER_ANCESTRAL_TURBO -> {
                o.put("interpolation_type", "linear");
                o.put("num_train_timesteps", 1000);
                o.put("prediction_type", this == EULER_V_PREDICTION ? "v_prediction" : "epsilon");
                o.put("sample_max_value", 1.0);
                o.put("set_alpha_to_one", false);
                o.put("skip_prk_steps", true);
                o.put("steps_offset", 1);
                o.put("timestep_spacing", this == EULER_ANCESTRAL_TURBO ? "trailing" : "leading");
                o.put("use_karras_sigmas", false);
            }
            case LCM -> {
                o.put("clip_sample_range", 1.0);
                o.put("dynamic_thresholding_ratio", 0.995);
                o.put("num_train_timesteps", 1000);
                o.put("original_inference_steps", 50);
                o.put("prediction_type", "epsilon");
                o.put("rescale_betas_zero_snr", false);
                o.put("sample_max_value", 1.0);
                o.put("set_alpha_to_one", true);
                o.put("steps_offset", 1);
                o.put("thresholding", false);
                o.put("timestep_scaling", 10.0);
                o.put("timestep_spacing", "leading");
            }
            default -> throw new IllegalStateException(name());
        }
        o.putNull("trained_betas");
        return o;
    }

    /** The diffusers scheduler class. */
    public String className() {
        return switch (this) {
            case PNDM_SD1 -> "PNDMScheduler";
            case DDIM_V_PREDICTION -> "DDIMScheduler";
            case EULER_V_PREDICTION, EULER_XL -> "EulerDiscreteScheduler";
            case EULER_ANCESTRAL_TURBO -> "EulerAncestralDiscreteScheduler";
            case LCM -> "LCMScheduler";
        };
    }

    private String version() {
        return switch (this) {
            case PNDM_SD1 -> StableDiffusionModel.DIFFUSERS_VERSION;
            case DDIM_V_PREDICTION -> "0.8.0";
            case EULER_V_PREDICTION -> "0.10.0";
            case EULER_XL -> "0.19.0.dev0";
            case EULER_ANCESTRAL_TURBO -> "0.24.0.dev0";
            case LCM -> "0.22.0.dev0";
        };
    }
}
