package dev.genloom.plugins.diffusion.sd;

/**
 * The guidance-scale embedding an LCM-distilled UNet takes as {@code timestep_cond}: the
 * sinusoidal embedding of {@code 1000 w} (w = guidance - 1), sines then cosines over
 * {@code width / 2} frequencies {@code exp(-ln(10000) k / (width/2 - 1))}, as in the LCM paper's
 * code and diffusers' {@code get_guidance_scale_embedding}.
 */
final class GuidanceEmbedding {
    private GuidanceEmbedding() {
    }

    static float[] of(double w, int width) {
        double x = w * 1000;
        int half = width / 2;
        float[] out = new float[width];
        double step = Math.log(10000) / (half - 1);
        for (int k = 0; k < half; k++) {
            double arg = x * Math.exp(-step * k);
            out[k] = (float) Math.sin(arg);
            out[half + k] = (float) Math.cos(arg);
        }
        return out;
    }
}
