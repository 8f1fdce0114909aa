package dev.genloom.plugins.diffusion.scheduler;

/**
 * What the UNet predicts (diffusers' {@code prediction_type}): the noise that was added, the
 * velocity {@code v = sqrt(abar) * eps - sqrt(1 - abar) * x0} (Imagen Video, section 2.4) or the
 * clean sample itself.
 */
public enum PredictionType implements ConfigValue {
    EPSILON("epsilon"),
    V_PREDICTION("v_prediction"),
    SAMPLE("sample");

    private final String json;

    PredictionType(String json) {
        this.json = json;
    }

    @Override
    public String json() {
        return json;
    }
}
