package dev.genloom.plugins.diffusion.sd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.spi.ModelContext;

import java.util.Locale;

/**
 * What a pipeline does where the caller says nothing: its native size, step count and guidance,
 * and its VAE's scaling factor. Read from the folder where it says (a part's {@code config.json}:
 * the VAE's {@code scaling_factor}, the UNet's {@code sample_size}), else the family's: SD 1.x 512
 * pixels, 50 steps, guidance 7.5; SD 2.x v-prediction 768; SDXL 1024, guidance 5, scaling 0.13025;
 * SD-Turbo and SDXL-Turbo (a name with {@code turbo}) 512, 1 step, no guidance; LCM 4 steps,
 * guidance 8.5 (embedded where the UNet takes {@code timestep_cond}). Load options ({@code width},
 * {@code height}, {@code steps}, {@code guidance}, {@code scheduler}, {@code scaling_factor}) override all of it.
 *
 * @param scheduler the scheduler name the folder's options choose, or null for its config's class
 */
record Defaults(int width, int height, int steps, double guidance, double scalingFactor, boolean turbo, String scheduler) {
    static final double SD_SCALING = 0.18215;
    static final double SDXL_SCALING = 0.13025;

    static Defaults of(ModelContext ctx, PipelineFolder folder, Unet unet, JsonNode schedulerConfig) {
        String name = (folder.path().getFileName() + " " + folder.index().path("_name_or_path").asText("")
                + " " + (ctx.info() == null ? "" : ctx.info().name())).toLowerCase(Locale.ROOT);
        boolean turbo = name.contains("turbo");
        boolean lcm = schedulerConfig.path("_class_name").asText("").equals("LCMScheduler") || unet.timestepCondWidth > 0;
        boolean vPrediction = schedulerConfig.path("prediction_type").asText("epsilon").equals("v_prediction");
        int size = unet.sdxl ? 1024 : vPrediction ? 768 : 512;
        if (turbo) {
            size = 512;
        }
        JsonNode unetConfig = folder.partConfig(Parts.UNET).orElse(null);
        if (unetConfig != null && unetConfig.path("sample_size").asInt(0) > 0) {
            size = unetConfig.path("sample_size").asInt() * 8;
        }
        int steps = turbo ? 1 : lcm ? 4 : 50;
        double guidance = turbo ? 0 : lcm ? 8.5 : unet.sdxl ? 5.0 : 7.5;
        double scaling = unet.sdxl ? SDXL_SCALING : SD_SCALING;
        for (String part : new String[] {Parts.VAE_ENCODER, Parts.VAE_DECODER}) {
            JsonNode c = folder.partConfig(part).orElse(null);
            if (c != null && c.path("scaling_factor").isNumber()) {
                scaling = c.path("scaling_factor").asDouble();
            }
        }
        return new Defaults(
                ctx.option("width", Integer.class, size),
                ctx.option("height", Integer.class, size),
                ctx.option("steps", Integer.class, steps),
                ctx.option("guidance", Double.class, guidance),
                ctx.option("scaling_factor", Double.class, scaling),
                turbo,
                ctx.option("scheduler", String.class, null));
    }
}
