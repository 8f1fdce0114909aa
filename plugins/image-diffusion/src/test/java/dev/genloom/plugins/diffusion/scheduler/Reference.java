package dev.genloom.plugins.diffusion.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The formulas the tests check against, written out here from the papers and diffusers' docs
 * independently of the main code: Stable Diffusion's scaled-linear schedule, its sigmas, and the
 * closed-form updates.
 */
final class Reference {
    static final int T = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Reference() {
    }

    /** abar_t of betas = (sqrt(0.00085) + t / 999 * (sqrt(0.012) - sqrt(0.00085)))^2. */
    static double[] sdAlphasCumprod() {
        double a = Math.sqrt(0.00085);
        double b = Math.sqrt(0.012);
        double[] abar = new double[T];
        double p = 1;
        for (int t = 0; t < T; t++) {
            double root = a + (b - a) * t / (T - 1);
            p *= 1 - root * root;
            abar[t] = p;
        }
        return abar;
    }

    static double sigma(double abar) {
        return Math.sqrt((1 - abar) / abar);
    }

    /** sigma at a fractional timestep, linear between integer ones. */
    static double sigmaAt(double[] abar, double t) {
        int lo = (int) Math.floor(t);
        if (lo >= abar.length - 1) {
            return sigma(abar[abar.length - 1]);
        }
        double w = t - lo;
        return (1 - w) * sigma(abar[lo]) + w * sigma(abar[lo + 1]);
    }

    /** Stable Diffusion 1.5's scheduler_config.json (PNDM, leading, steps_offset 1). */
    static SchedulerConfig sd15() {
        return config("{\"_class_name\": \"PNDMScheduler\", \"beta_start\": 0.00085, \"beta_end\": 0.012,"
                + " \"beta_schedule\": \"scaled_linear\", \"num_train_timesteps\": 1000, \"set_alpha_to_one\": false,"
                + " \"skip_prk_steps\": true, \"steps_offset\": 1, \"trained_betas\": null, \"clip_sample\": false}");
    }

    /** SD's betas under another class name, no spacing or offset given (that class's defaults apply). */
    static SchedulerConfig sdBetas(String className) {
        return config("{\"_class_name\": \"" + className + "\", \"beta_start\": 0.00085, \"beta_end\": 0.012,"
                + " \"beta_schedule\": \"scaled_linear\"}");
    }

    static SchedulerConfig config(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return SchedulerConfig.parse(node, null);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** DDIM's update with eta 0 from x0 and eps: sqrt(abar') x0 + sqrt(1 - abar') eps. */
    static double ddim(double x0, double eps, double abarPrev) {
        return Math.sqrt(abarPrev) * x0 + Math.sqrt(1 - abarPrev) * eps;
    }

    /** x0 from x_t and eps: (x - sqrt(1 - abar) eps) / sqrt(abar). */
    static double x0FromEps(double x, double eps, double abar) {
        return (x - Math.sqrt(1 - abar) * eps) / Math.sqrt(abar);
    }

    static float[] floats(double... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
