package dev.genloom.plugins.diffusion.scheduler;

/**
 * How the inference timesteps are picked from the training ones (diffusers' {@code
 * timestep_spacing}, Table 2 of "Common Diffusion Noise Schedules and Sample Steps are Flawed"):
 * evenly from 0 to {@code T - 1}, multiples of {@code T / N} from 0 (plus {@code steps_offset}), or
 * multiples of {@code T / N} counted down from {@code T}, minus one.
 */
public enum TimestepSpacing implements ConfigValue {
    LINSPACE("linspace"),
    LEADING("leading"),
    TRAILING("trailing");

    private final String json;

    TimestepSpacing(String json) {
        this.json = json;
    }

    @Override
    public String json() {
        return json;
    }
}
