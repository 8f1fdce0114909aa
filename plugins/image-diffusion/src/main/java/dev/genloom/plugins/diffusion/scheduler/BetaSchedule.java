package dev.genloom.plugins.diffusion.scheduler;

/**
 * How the training betas are laid out between {@code beta_start} and {@code beta_end}
 * (diffusers' {@code beta_schedule}): evenly, evenly in their square roots (Stable Diffusion), or
 * from the cosine {@code alpha_bar} of Nichol and Dhariwal capped at 0.999.
 */
public enum BetaSchedule implements ConfigValue {
    LINEAR("linear"),
    SCALED_LINEAR("scaled_linear"),
    SQUAREDCOS_CAP_V2("squaredcos_cap_v2");

    private final String json;

    BetaSchedule(String json) {
        this.json = json;
    }

    @Override
    public String json() {
        return json;
    }
}
