package dev.genloom.api;

import static dev.genloom.api.GenloomException.require;

/**
 * Options of text-to-image generation. A null field means the model's own default (its native
 * size, its scheduler's usual step count and guidance).
 *
 * @param negativePrompt what the image should not show ("" for nothing)
 * @param width          image width in pixels, a multiple of 8
 * @param height         image height in pixels, a multiple of 8
 * @param steps          denoising steps, >= 1
 * @param guidanceScale  classifier-free guidance; <= 1 turns guidance off
 * @param seed           seed of the initial noise; the same seed gives the same image
 * @param scheduler      scheduler name (for example {@code euler}, {@code ddim}, {@code lcm})
 */
public record ImageOptions(String negativePrompt, Integer width, Integer height, Integer steps,
                           Double guidanceScale, Long seed, String scheduler) {

    private static final ImageOptions DEFAULTS = new ImageOptions("", null, null, null, null, null, null);

    public ImageOptions {
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        require(width == null || (width > 0 && width % 8 == 0), "width must be a positive multiple of 8, got " + width);
        require(height == null || (height > 0 && height % 8 == 0),
                "height must be a positive multiple of 8, got " + height);
        require(steps == null || steps >= 1, "steps must be at least 1, got " + steps);
        require(guidanceScale == null || (guidanceScale >= 0 && Double.isFinite(guidanceScale)),
                "guidanceScale must be >= 0, got " + guidanceScale);
    }

    public static ImageOptions defaults() {
        return DEFAULTS;
    }

    public ImageOptions withNegativePrompt(String v) {
        return new ImageOptions(v, width, height, steps, guidanceScale, seed, scheduler);
    }

    public ImageOptions withSize(Integer w, Integer h) {
        return new ImageOptions(negativePrompt, w, h, steps, guidanceScale, seed, scheduler);
    }

    public ImageOptions withSteps(Integer v) {
        return new ImageOptions(negativePrompt, width, height, v, guidanceScale, seed, scheduler);
    }

    public ImageOptions withGuidanceScale(Double v) {
        return new ImageOptions(negativePrompt, width, height, steps, v, seed, scheduler);
    }

    public ImageOptions withSeed(Long v) {
        return new ImageOptions(negativePrompt, width, height, steps, guidanceScale, v, scheduler);
    }

    public ImageOptions withScheduler(String v) {
        return new ImageOptions(negativePrompt, width, height, steps, guidanceScale, seed, v);
    }
}
