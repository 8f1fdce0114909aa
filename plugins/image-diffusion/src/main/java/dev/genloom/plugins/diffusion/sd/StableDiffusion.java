package dev.genloom.plugins.diffusion.sd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.DenoisingStep;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.Latents;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.scheduler.NoiseSource;
import dev.genloom.plugins.diffusion.scheduler.Scheduler;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded Stable Diffusion pipeline (SD 1.x, 2.x, SDXL, their Turbo and LCM variants, inpainting
 * UNets): pre-processing ({@link PromptEncoder}s, the picture through the {@link Vae} encoder),
 * the {@link Denoiser} loop over the {@link Unet} with one {@link Scheduler} per image, and
 * post-processing (the VAE decoder, NaN and black-output checks). Text-to-image, img2img and
 * inpainting. Safe for concurrent calls: each call has its own schedulers, noise and tensors.
 */
final class StableDiffusion implements TextToImage, ImageToImage {
    private static final Logger LOG = LoggerFactory.getLogger(StableDiffusion.class);
    static final int LATENT_CHANNELS = 4;
    static final int VAE_FACTOR = 8;
    /** Diffusers' img2img default strength. */
    static final double DEFAULT_STRENGTH = 0.8;
    /** SDXL's default: empty negative prompts condition on zeros, not on the encoded empty text. */
    private static final String FORCE_ZEROS = "force_zeros_for_empty_prompt";
    static final long DEFAULT_MAX_PIXELS = 2048L * 2048;

    private final ModelInfo info;
    private final PipelineFolder folder;
    private final PromptEncoder text;
    private final PromptEncoder text2;
    private final Unet unet;
    private final Vae decoder;
    private final Vae encoder;
    private final SchedulerChoice schedulers;
    private final Previewer previewer;
    final Defaults defaults;
    private final long maxPixels;
    private final boolean zerosForEmptyNegative;

    private StableDiffusion(ModelInfo info, PipelineFolder folder, PromptEncoder text, PromptEncoder text2, Unet unet,
                            Vae decoder, Vae encoder, SchedulerChoice schedulers, Previewer previewer, Defaults defaults,
                            long maxPixels) {
        this.info = info;
        this.folder = folder;
        this.text = text;
        this.text2 = text2;
        this.unet = unet;
        this.decoder = decoder;
        this.encoder = encoder;
        this.schedulers = schedulers;
        this.previewer = previewer;
        this.defaults = defaults;
        this.maxPixels = maxPixels;
        this.zerosForEmptyNegative = unet.sdxl && folder.index().path(FORCE_ZEROS).asBoolean(true);
    }

    /** Loads the pipeline folder of the context; what it opened is closed if anything fails. */
    static StableDiffusion open(ModelContext ctx) {
        PipelineFolder folder = new PipelineFolder(ctx.folder());
        PromptEncoder text = null;
        PromptEncoder text2 = null;
        Unet unet = null;
        Vae decoder = null;
        Vae encoder = null;
        Previewer previewer = null;
        try {
            unet = Unet.open(ctx, folder);
            boolean sdxl = unet.sdxl;
            if (sdxl && !folder.has(Parts.TEXT_ENCODER_2)) {
                folder.onnx(Parts.TEXT_ENCODER_2, "an SDXL UNet (text_embeds, time_ids)");
            }
            text = folder.has(Parts.TEXT_ENCODER) || !sdxl
                    ? PromptEncoder.open(ctx, folder, Parts.TEXT_ENCODER, Parts.TOKENIZER, sdxl) : null;
            if (sdxl) {
                text2 = PromptEncoder.open(ctx, folder, Parts.TEXT_ENCODER_2, Parts.TOKENIZER_2, true);
            }
            decoder = Vae.decoder(ctx, folder);
            encoder = folder.has(Parts.VAE_ENCODER) ? Vae.encoder(ctx, folder) : null;
            JsonNode schedulerConfig = folder.schedulerConfig();
            Defaults defaults = Defaults.of(ctx, folder, unet, schedulerConfig);
            SchedulerChoice choice = SchedulerChoice.of(schedulerConfig, folder.schedulerConfigFile(), defaults);
            previewer = Previewer.open(ctx, decoder, defaults.scalingFactor());
            long maxPixels = ctx.option("max_pixels", Long.class, DEFAULT_MAX_PIXELS);
            LOG.debug("diffusion model {}: parts {}, scheduler {}, defaults {}", folder.path(), folder.parts(),
                    choice.defaultName(), defaults);
            return new StableDiffusion(ctx.info(), folder, text, text2, unet, decoder, encoder, choice, previewer,
                    defaults, maxPixels);
        } catch (RuntimeException e) {
            throw Release.after(e, previewer, encoder, decoder, text2, text, unet);
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    // ---------------------------------------------------------------- text-to-image

    @Override
    public List<Image> generateImages(String prompt, ImageOptions o, StepListener listener) {
        Latents given = o.latents();
        int width = o.width() != null ? o.width() : given != null ? (int) given.shape()[3] * VAE_FACTOR : defaults.width();
        int height = o.height() != null ? o.height() : given != null ? (int) given.shape()[2] * VAE_FACTOR : defaults.height();
        int count = o.count() == null ? 1 : o.count();
        Run run = new Run(width, height, o.steps(), o.guidanceScale(), o.guidanceRescale(), o.seed(), o.scheduler(),
                o.previewEvery(), listener);
        int size = LATENT_CHANNELS * run.h * run.w;
        if (given != null) {
            long[] s = given.shape();
            if (s.length != 4 || (s[0] != count && s[0] != 1) || s[1] != LATENT_CHANNELS || s[2] != run.h || s[3] != run.w) {
                throw GenloomException.invalidInput("latents of shape " + Arrays.toString(s) + " do not fit "
                        + count + " image(s) of " + width + "x" + height + ": they must be [" + count + ", "
                        + LATENT_CHANNELS + ", " + run.h + ", " + run.w + "]");
            }
        }
        try (Conditioning c = run.condition(prompt, o.negativePrompt())) {
            Scheduler[] s = new Scheduler[count];
            NoiseSource[] noise = new NoiseSource[count];
            float[][] latents = new float[count][];
            for (int b = 0; b < count; b++) {
                s[b] = run.scheduler();
                noise[b] = new NoiseSource(run.seed + b);
                float[] x = given != null ? slice(given.values(), given.shape()[0] == 1 ? 0 : b, size) : noise[b].next(size);
                scale(x, s[b].initNoiseSigma());
                latents[b] = x;
            }
            run.denoise(c, s, latents, noise, 0, null);
            List<Image> images = new ArrayList<>(count);
            for (int b = 0; b < count; b++) {
                images.add(run.decode(latents[b], b));
            }
            run.done();
            return images;
        }
    }

    // ---------------------------------------------------------------- image-to-image

    @Override
    public Image transformImage(Image image, ImageToImageOptions o, StepListener listener) {
        return redraw(image, o, listener).image();
    }

    /** A picture redrawn, and the latents it was decoded from. */
    record Redrawn(Image image, float[] latents) {
    }

    /** Image-to-image: img2img from {@code strength}, inpainting inside the mask where there is one. */
    Redrawn redraw(Image image, ImageToImageOptions o, StepListener listener) {
        if (encoder == null) {
            folder.onnx(Parts.VAE_ENCODER, "image-to-image");
        }
        int width = image.width() / VAE_FACTOR * VAE_FACTOR;
        int height = image.height() / VAE_FACTOR * VAE_FACTOR;
        GenloomException.require(width > 0 && height > 0, "the picture is " + image.width() + "x" + image.height()
                + "; image-to-image needs at least 8x8 pixels");
        if (width != image.width() || height != image.height()) {
            LOG.warn("the picture is {}x{}; it is resized to {}x{}, the nearest multiples of 8 below", image.width(),
                    image.height(), width, height);
            image = Pixels.resize(image, width, height);
        }
        double strength = o.strength() != null ? o.strength() : o.mask() != null ? 1.0 : DEFAULT_STRENGTH;
        Run run = new Run(width, height, o.steps(), o.guidanceScale(), o.guidanceRescale(), o.seed(), o.scheduler(),
                o.previewEvery(), listener);
        float[] mask = o.mask() == null ? null : Pixels.latentMask(o.mask(), width, height, run.w, run.h);
        float[] pixels = image.toChw(Pixels.HALF, Pixels.HALF);
        float[] clean = run.encode(pixels);
        Scheduler s = run.scheduler(strength);
        int start = SchedulerChoice.startIndex(s, run.steps, strength);
        NoiseSource noise = new NoiseSource(run.seed);
        float[] eps = noise.next(clean.length);
        float[] latents;
        if (start >= s.steps()) {
            latents = clean.clone();
        } else if (strength >= 1) {
            latents = eps.clone();
            scale(latents, s.initNoiseSigma());
        } else {
            latents = s.addNoise(clean, eps, start);
        }
        Denoiser.Inpaint inpaint = null;
        if (unet.inpainting()) {
            float[] m = mask;
            if (m == null) {
                m = new float[run.h * run.w];
                Arrays.fill(m, 1f);
            }
            float[] masked = Pixels.masked(pixels, o.mask() == null ? null : Pixels.pixelMask(o.mask(), width, height));
            inpaint = new Denoiser.Inpaint(m, run.encode(masked), null, null);
        } else if (mask != null) {
            inpaint = new Denoiser.Inpaint(mask, null, new float[][] {clean}, new float[][] {eps});
        }
        float[][] batch = {latents};
        if (start < s.steps()) {
            try (Conditioning c = run.condition(o.prompt(), o.negativePrompt())) {
                run.denoise(c, new Scheduler[] {s}, batch, new NoiseSource[] {noise}, start, inpaint);
            }
        }
        Image out = run.decode(batch[0], 0);
        run.done();
        return new Redrawn(out, batch[0]);
    }

    // ---------------------------------------------------------------- one call

    /** One generation's settings, timings and listener. */
    private final class Run {
        final int width;
        final int height;
        final int h;
        final int w;
        final int steps;
        final double guidance;
        final double rescale;
        final long seed;
        final String schedulerName;
        final int previewEvery;
        final StepListener listener;
        final long started = System.nanoTime();
        final Map<String, Long> nanos = new LinkedHashMap<>();
        /** The picture decoded for the last step's preview, and the latents it came from. */
        private Image previewed;
        private float[] previewedLatents;

        Run(int width, int height, Integer steps, Double guidance, Double rescale, Long seed, String scheduler,
            Integer previewEvery, StepListener listener) {
            GenloomException.require(width % VAE_FACTOR == 0 && height % VAE_FACTOR == 0 && width > 0 && height > 0,
                    "width and height must be positive multiples of 8, got " + width + "x" + height);
            if ((long) width * height > maxPixels) {
                throw GenloomException.invalidInput(width + "x" + height + " is " + (long) width * height
                        + " pixels, over this model's limit of " + maxPixels,
                        "draw a smaller picture, or raise the load option max_pixels of " + name());
            }
            this.width = width;
            this.height = height;
            this.h = height / VAE_FACTOR;
            this.w = width / VAE_FACTOR;
            this.steps = steps != null ? steps : defaults.steps();
            this.guidance = guidance != null ? guidance : defaults.guidance();
            this.rescale = rescale == null ? 0 : rescale;
            this.seed = seed != null ? seed : new SecureRandom().nextLong();
            this.schedulerName = scheduler != null ? scheduler : defaults.scheduler();
            this.previewEvery = previewEvery == null ? 0 : previewEvery;
            this.listener = listener == null ? StepListener.NONE : listener;
            schedulers.check(schedulerName);
        }

        Scheduler scheduler() {
            return scheduler(1.0);
        }

        Scheduler scheduler(double strength) {
            return schedulers.create(schedulerName, steps, strength);
        }

        /** Whether the negative prompt gets a UNet pass of its own. */
        boolean guided() {
            return guidance > 1 && unet.timestepCondWidth == 0;
        }

        Conditioning condition(String prompt, String negative) {
            long t0 = System.nanoTime();
            Conditioning.Row positive = row(prompt == null ? "" : prompt, false);
            Conditioning.Row neg = guided() ? row(negative == null ? "" : negative, zerosForEmptyNegative
                    && (negative == null || negative.isEmpty())) : null;
            add("text_encoder", t0);
            return new Conditioning(unet, neg, positive, positive.text().length / unet.textWidth);
        }

        private Conditioning.Row row(String prompt, boolean zeros) {
            PromptEncoder.Encoded first = text == null ? null : text.encode(prompt);
            PromptEncoder.Encoded second = text2 == null ? null : text2.encode(prompt);
            float[] hidden;
            int length;
            if (first != null && second != null) {
                length = first.length();
                hidden = new float[length * (first.width() + second.width())];
                for (int i = 0; i < length; i++) {
                    System.arraycopy(first.hidden(), i * first.width(), hidden, i * (first.width() + second.width()),
                            first.width());
                    System.arraycopy(second.hidden(), i * second.width(), hidden,
                            i * (first.width() + second.width()) + first.width(), second.width());
                }
            } else {
                PromptEncoder.Encoded only = first != null ? first : second;
                length = only.length();
                hidden = only.hidden();
            }
            if (hidden.length / length != unet.textWidth) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "the text encoders give " + hidden.length / length
                        + " values per token, the UNet's encoder_hidden_states takes " + unet.textWidth,
                        "the text encoder and the UNet must come from the same pipeline");
            }
            float[] pooled = unet.sdxl ? (second != null ? second.pooled() : first.pooled()) : null;
            if (unet.sdxl && pooled == null) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "the SDXL UNet takes text_embeds, but "
                        + Parts.TEXT_ENCODER_2 + " has no output text_embeds", "export text_encoder_2 with Optimum");
            }
            if (zeros) {
                hidden = new float[hidden.length];
                pooled = pooled == null ? null : new float[pooled.length];
            }
            float[] timeIds = unet.sdxl ? new float[] {height, width, 0, 0, height, width} : null;
            float[] cond = unet.timestepCondWidth > 0 ? GuidanceEmbedding.of(guidance - 1, unet.timestepCondWidth) : null;
            return new Conditioning.Row(hidden, pooled, timeIds, cond);
        }

        void denoise(Conditioning c, Scheduler[] s, float[][] latents, NoiseSource[] noise, int start,
                     Denoiser.Inpaint inpaint) {
            long t0 = System.nanoTime();
            long[] previewNanos = {0};
            int total = s[0].steps() - start;
            Denoiser d = new Denoiser(unet, c, LATENT_CHANNELS, h, w, guidance, rescale);
            d.run(s, latents, noise, start, inpaint, (i, t, x) -> {
                int done = i - start + 1;
                Image preview = null;
                if (previewEvery > 0 && done == total && previewer.exact()) {
                    // the VAE's preview of the last step is the picture: decoded once, kept for decode()
                    long p0 = System.nanoTime();
                    preview = decode(x[0], 0);
                    previewed = preview;
                    previewedLatents = x[0];
                    previewNanos[0] += System.nanoTime() - p0;
                } else if (previewEvery > 0 && (done % previewEvery == 0 || done == total)) {
                    long p0 = System.nanoTime();
                    preview = previewer.preview(x[0], LATENT_CHANNELS, h, w);
                    previewNanos[0] += System.nanoTime() - p0;
                    nanos.merge("preview", System.nanoTime() - p0, Long::sum);
                }
                listener.onStep(new DenoisingStep(done, total, t, Duration.ofNanos(System.nanoTime() - started), preview));
            });
            nanos.merge("unet", System.nanoTime() - t0 - previewNanos[0], Long::sum);
        }

        float[] encode(float[] pixels) {
            long t0 = System.nanoTime();
            float[] latents = encoder.encode(pixels, height, width, LATENT_CHANNELS);
            scale(latents, defaults.scalingFactor());
            add("vae_encoder", t0);
            return latents;
        }

        Image decode(float[] latents, int index) {
            if (index == 0 && latents == previewedLatents) {
                return previewed;                       // the last step's preview was this decode
            }
            long t0 = System.nanoTime();
            Image image = decoder.decode(latents, defaults.scalingFactor(), LATENT_CHANNELS, h, w);
            add("vae_decoder", t0);
            if (Pixels.black(image)) {
                LOG.warn("image {} (seed {}) came out black: with an fp16 export try the fp32 VAE (dtype fp32), "
                        + "or another scheduler or step count", index + 1, seed + index);
            }
            return image;
        }

        private void add(String part, long t0) {
            nanos.merge(part, System.nanoTime() - t0, Long::sum);
        }

        void done() {
            Map<String, Duration> out = new LinkedHashMap<>();
            nanos.forEach((k, v) -> out.put(k, Duration.ofNanos(v)));
            listener.onDone(out);
        }
    }

    /** The token ids the first text encoder is given for a prompt (tests). */
    long[] promptIds(String prompt) {
        return (text != null ? text : text2).ids(prompt);
    }

    private String name() {
        return info == null || info.name() == null ? folder.path().toString() : info.name();
    }

    private static float[] slice(float[] values, int index, int size) {
        float[] out = new float[size];
        System.arraycopy(values, index * size, out, 0, size);
        return out;
    }

    private static void scale(float[] x, double factor) {
        if (factor != 1) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (x[i] * factor);
            }
        }
    }

    @Override
    public void close() {
        for (AutoCloseable part : new AutoCloseable[] {previewer, encoder, decoder, text2, text, unet}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    LOG.debug("closing a part of {}", folder.path(), e);
                }
            }
        }
    }
}
