package dev.genloom.cli.bench;

import dev.genloom.api.DenoisingStep;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextToImage;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareDenoiser;

import java.time.Duration;
import java.util.Map;

/**
 * Text-to-image speed of a diffusion model: seconds per picture and per UNet step through the
 * framework ({@link TextToImage#generateImage}: tokenising, the text encoder, the sampling loop with
 * its scheduler and guidance, the VAE decoder and the conversion to pixels), against the family's bare
 * ONNX Runtime loop over the same three files ({@link Genloom#bareDenoiser}: the session calls alone,
 * on tensors made beforehand) at the same size, steps and guidance, in one process; rounds run both,
 * alternating which goes first, after one warm-up of each; medians.
 */
public final class ImageBench {

    /**
     * The figures at one step count, in seconds: per picture and per UNet step (the UNet's time over
     * the steps), framework and bare.
     */
    public record Row(int steps, double seconds, double bareSeconds, double secondsPerStep, double bareSecondsPerStep) {
        /** The framework's time per picture over the bare loop's, minus one. */
        public double overhead() {
            return seconds / bareSeconds - 1;
        }
    }

    private ImageBench() {
    }

    /**
     * Times {@code repeats} pictures of {@code width x height} at {@code steps} steps, framework and bare.
     *
     * @param scheduler one that calls the UNet once per step, as the bare loop does ({@code euler},
     *                  {@code ddim}, ...; not {@code pndm}, which calls it {@code steps + 1} times)
     */
    public static Row measure(Genloom genloom, String model, int width, int height, int steps, double guidance,
                              String scheduler, int repeats) {
        TextToImage m = genloom.model(model, TextToImage.class);
        ImageOptions options = ImageOptions.builder().size(width, height).steps(steps).guidanceScale(guidance)
                .scheduler(scheduler).seed(1L).build();
        boolean guided = guidance > 1;
        int n = Math.max(1, repeats);
        double[] total = new double[n];
        double[] unet = new double[n];
        double[] bareTotal = new double[n];
        double[] bareUnet = new double[n];
        try (BareDenoiser bare = genloom.bareDenoiser(model);
             BareDenoiser.Run run = bare.prepare(width, height, steps, guided)) {
            Timed framework = new Timed(m, options);
            framework.run();
            run.run();
            for (int i = 0; i < n; i++) {
                BareDenoiser.Timings b;
                if (i % 2 == 0) {
                    framework.run();
                    b = run.run();
                } else {
                    b = run.run();
                    framework.run();
                }
                total[i] = framework.seconds;
                unet[i] = framework.unetSeconds / steps;
                bareTotal[i] = b.totalNanos() / 1e9;
                bareUnet[i] = b.unetNanos() / 1e9 / steps;
            }
        }
        return new Row(steps, PipelineOverhead.median(total), PipelineOverhead.median(bareTotal),
                PipelineOverhead.median(unet), PipelineOverhead.median(bareUnet));
    }

    /** One framework picture: its wall time and its UNet time as the model tells it. */
    private static final class Timed implements StepListener {
        private final TextToImage model;
        private final ImageOptions options;
        double seconds;
        double unetSeconds;

        Timed(TextToImage model, ImageOptions options) {
            this.model = model;
            this.options = options;
        }

        void run() {
            long t0 = System.nanoTime();
            model.generateImages("a photo of an astronaut riding a horse on mars", options, this);
            seconds = (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void onStep(DenoisingStep step) {
        }

        @Override
        public void onDone(Map<String, Duration> timeByPart) {
            Duration d = timeByPart.get("unet");
            unetSeconds = d == null ? Double.NaN : d.toNanos() / 1e9;
        }
    }
}
