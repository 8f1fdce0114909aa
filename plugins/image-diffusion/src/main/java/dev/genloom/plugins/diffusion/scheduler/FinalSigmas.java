package dev.genloom.plugins.diffusion.scheduler;

/**
 * The noise level a sigma-based sampler ends at (diffusers' {@code final_sigmas_type}): none, or
 * the smallest one of training ({@code sigma} at timestep 0).
 */
public enum FinalSigmas implements ConfigValue {
    ZERO("zero"),
    SIGMA_MIN("sigma_min");

    private final String json;

    FinalSigmas(String json) {
        this.json = json;
    }

    @Override
    public String json() {
        return json;
    }
}
