package dev.genloom.api;

import static dev.genloom.api.GenloomException.require;

import dev.genloom.api.media.Image;

/**
 * Options of image-to-image. A null field means the model's own default. Models use what applies
 * to them: an upscaler or a codec needs none; a diffusion model redraws the picture after the
 * prompt, {@code strength} of the way from it, inside the mask where there is one.
 *
 * @param prompt         what the new picture should show ("": unconditional; ignored by models without a text encoder)
 * @param negativePrompt what it should not show ("" for nothing)
 * @param mask           where to redraw: white is redrawn, black kept (inpainting); null redraws everywhere
 * @param strength       how far to move from the input, 0..1: 0 returns its round trip, 1 ignores it
 * @param steps          denoising steps of a full run, >= 1 (img2img runs {@code strength} of them)
 * @param guidanceScale  classifier-free guidance; 1 or less turns guidance off
 * @param guidanceRescale guidance rescale (0..1, for v-prediction models; 0 is off)
 * @param seed           seed of the noise; the same seed gives the same picture
 * @param scheduler      scheduler name (for example {@code euler}, {@code ddim})
 * @param previewEvery   decode a preview every this many steps for the {@link StepListener} (0 or null: none)
 */
public record ImageToImageOptions(String prompt, String negativePrompt, Image mask, Double strength,
                                  Integer steps, Double guidanceScale, Double guidanceRescale, Long seed,
                                  String scheduler, Integer previewEvery) {

    private static final ImageToImageOptions DEFAULTS = new ImageToImageOptions("", "", null, null, null, null, null, null, null, null);

    /** Checks every field; the one place options are validated. */
    public ImageToImageOptions {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        require(steps == null || steps >= 1, "steps must be at least 1, got " + steps);
        require(guidanceScale == null || (guidanceScale >= 0 && Double.isFinite(guidanceScale)),
                "guidanceScale must be >= 0, got " + guidanceScale);
        require(guidanceRescale == null || (guidanceRescale >= 0 && guidanceRescale <= 1),
                "guidanceRescale must be in [0, 1], got " + guidanceRescale);
        require(previewEvery == null || previewEvery >= 0, "previewEvery must be >= 0, got " + previewEvery);
        require(strength == null || (strength >= 0 && strength <= 1), "strength must be in [0, 1], got " + strength);
    }

    /** The defaults: everything the model's own. */
    public static ImageToImageOptions defaults() {
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
     * Builds {@link ImageToImageOptions}, one field at a time; {@link #build()} checks them all (in the
     * record's constructor). Each setter is named after its field; null leaves it to the model.
     */
    public static final class Builder {
        private String prompt;
        private String negativePrompt;
        private Image mask;
        private Double strength;
        private Integer steps;
        private Double guidanceScale;
        private Double guidanceRescale;
        private Long seed;
        private String scheduler;
        private Integer previewEvery;

        private Builder(ImageToImageOptions from) {
            prompt = from.prompt;
            negativePrompt = from.negativePrompt;
            mask = from.mask;
            strength = from.strength;
            steps = from.steps;
            guidanceScale = from.guidanceScale;
            guidanceRescale = from.guidanceRescale;
            seed = from.seed;
            scheduler = from.scheduler;
            previewEvery = from.previewEvery;
        }

        /** What the new picture should show. */
        public Builder prompt(String v) {
            prompt = v;
            return this;
        }

        /** What it should not show (null or "" for nothing). */
        public Builder negativePrompt(String v) {
            negativePrompt = v;
            return this;
        }

        /** Where to redraw: white redrawn, black kept (null: everywhere). */
        public Builder mask(Image v) {
            mask = v;
            return this;
        }

        /** How far to move from the input, in [0, 1]. */
        public Builder strength(Double v) {
            strength = v;
            return this;
        }

        /** Denoising steps of a full run, >= 1. */
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

        /** Seed of the noise; the same seed gives the same picture. */
        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        /** Scheduler name. */
        public Builder scheduler(String v) {
            scheduler = v;
            return this;
        }

        /** A preview every this many steps (0 or null: none). */
        public Builder previewEvery(Integer v) {
            previewEvery = v;
            return this;
        }

        /**
         * The options.
         *
         * @throws GenloomException {@code INVALID_INPUT} naming the first field out of range
         */
        public ImageToImageOptions build() {
            return new ImageToImageOptions(prompt, negativePrompt, mask, strength, steps, guidanceScale, guidanceRescale, seed, scheduler, previewEvery);
        }
    }
}
