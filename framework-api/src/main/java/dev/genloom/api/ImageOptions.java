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
 * @param guidanceScale  classifier-free guidance; 1 or less turns guidance off
 * @param guidanceRescale rescales the guided noise prediction towards the conditional one's spread (0..1, for v-prediction models; 0 is off)
 * @param seed           seed of the initial noise; the same seed gives the same image
 * @param scheduler      scheduler name (for example {@code euler}, {@code ddim}, {@code dpm++2m-karras}, {@code lcm})
 * @param count          images to draw of the prompt, >= 1 (batched where the model allows)
 * @param previewEvery   decode a preview every this many steps for the {@link StepListener} (0 or null: none)
 * @param latents        initial latents instead of the seeded noise (null: from the seed)
 */
public record ImageOptions(String negativePrompt, Integer width, Integer height, Integer steps,
                           Double guidanceScale, Double guidanceRescale, Long seed, String scheduler,
                           Integer count, Integer previewEvery, Latents latents) {

    private static final ImageOptions DEFAULTS = new ImageOptions("", null, null, null, null, null, null, null, null, null, null);

    /** Checks every field; the one place options are validated. */
    public ImageOptions {
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        require(steps == null || steps >= 1, "steps must be at least 1, got " + steps);
        require(guidanceScale == null || (guidanceScale >= 0 && Double.isFinite(guidanceScale)),
                "guidanceScale must be >= 0, got " + guidanceScale);
        require(guidanceRescale == null || (guidanceRescale >= 0 && guidanceRescale <= 1),
                "guidanceRescale must be in [0, 1], got " + guidanceRescale);
        require(previewEvery == null || previewEvery >= 0, "previewEvery must be >= 0, got " + previewEvery);
        require(width == null || (width > 0 && width % 8 == 0), "width must be a positive multiple of 8, got " + width);
        require(height == null || (height > 0 && height % 8 == 0),
                "height must be a positive multiple of 8, got " + height);
        require(count == null || count >= 1, "count must be at least 1, got " + count);
    }

    /** The defaults: everything the model's own. */
    public static ImageOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds {@link ImageOptions}, one field at a time; {@link #build()} checks them all (in the
     * record's constructor). Each setter is named after its field; null leaves it to the model.
     */
    public static final class Builder {
        private String negativePrompt;
        private Integer width;
        private Integer height;
        private Integer steps;
        private Double guidanceScale;
        private Double guidanceRescale;
        private Long seed;
        private String scheduler;
        private Integer count;
        private Integer previewEvery;
        private Latents latents;

        private Builder(ImageOptions from) {
            negativePrompt = from.negativePrompt;
            width = from.width;
            height = from.height;
            steps = from.steps;
            guidanceScale = from.guidanceScale;
            guidanceRescale = from.guidanceRescale;
            seed = from.seed;
            scheduler = from.scheduler;
            count = from.count;
            previewEvery = from.previewEvery;
            latents = from.latents;
        }

        /** What the image should not show (null or "" for nothing). */
        public Builder negativePrompt(String v) {
            negativePrompt = v;
            return this;
        }

        /** Image width in pixels, a multiple of 8. */
        public Builder width(Integer v) {
            width = v;
            return this;
        }

        /** Image height in pixels, a multiple of 8. */
        public Builder height(Integer v) {
            height = v;
            return this;
        }

        /** Denoising steps, >= 1. */
        public Builder steps(Integer v) {
            steps = v;
            return this;
        }

        /** Classifier-free guidance, >= 0; 1 or less turns guidance off. */
        public Builder guidanceScale(Double v) {
            guidanceScale = v;
            return this;
        }

        /** Guidance rescale in [0, 1] (0 is off). */
        public Builder guidanceRescale(Double v) {
            guidanceRescale = v;
            return this;
        }

        /** Seed of the initial noise; the same seed gives the same image. */
        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        /** Scheduler name (for example {@code euler}, {@code ddim}, {@code lcm}). */
        public Builder scheduler(String v) {
            scheduler = v;
            return this;
        }

        /** Images to draw, >= 1. */
        public Builder count(Integer v) {
            count = v;
            return this;
        }

        /** A preview every this many steps (0 or null: none). */
        public Builder previewEvery(Integer v) {
            previewEvery = v;
            return this;
        }

        /** Initial latents instead of the seeded noise (null: from the seed). */
        public Builder latents(Latents v) {
            latents = v;
            return this;
        }

        /** Width and height in pixels, each a multiple of 8. */
        public Builder size(Integer width, Integer height) {
            return width(width).height(height);
        }

        /**
         * The options.
         *
         * @throws GenloomException {@code INVALID_INPUT} naming the first field out of range
         */
        public ImageOptions build() {
            return new ImageOptions(negativePrompt, width, height, steps, guidanceScale, guidanceRescale, seed, scheduler, count, previewEvery, latents);
        }
    }
}
