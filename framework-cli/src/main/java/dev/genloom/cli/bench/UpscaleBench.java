package dev.genloom.cli.bench;

import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.StepListener;
import dev.genloom.api.media.Image;
import dev.genloom.spi.BareEncoder;

import java.util.List;
import java.util.Locale;

/**
 * The benchmark of an upscaler ({@code genloom bench upscale}): the family's whole
 * {@code transformImage} (pixels to tensor, tiles, blending, bytes) against a bare ONNX Runtime run
 * of the same file on the same picture, untiled, its input tensor made beforehand (the family's
 * {@code bareEncoder}). Each side runs {@code warmup} times untimed, then {@code repeats} times,
 * alternating; the figures are medians. Both must come from one host (the same sessions settings:
 * device, threads).
 */
public final class UpscaleBench {
    private UpscaleBench() {
    }

    /**
     * What one benchmark measured.
     *
     * @param width          the picture's width
     * @param height         its height
     * @param tiles          how many tiles the family cut it into (1: one call), as its step listener was told
     * @param upscaleSeconds the family's median seconds per picture
     * @param bareSeconds    the bare run's median seconds per picture
     */
    public record Figures(int width, int height, int tiles, double upscaleSeconds, double bareSeconds) {
        /** The family's time over the bare run's (1.0: no overhead). */
        public double ratio() {
            return upscaleSeconds / bareSeconds;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%dx%d picture, %d tile(s): upscaler %.3f s, bare ONNX Runtime %.3f s, "
                    + "ratio %.2f", width, height, tiles, upscaleSeconds, bareSeconds, ratio());
        }
    }

    /**
     * Times the model against the bare run.
     *
     * @param model   the loaded upscaler
     * @param bare    the bare graph of the same folder ({@code Genloom.bareEncoder(name)})
     * @param picture the picture
     */
    public static Figures measure(ImageToImage model, BareEncoder bare, Image picture, int warmup, int repeats) {
        GenloomException.require(repeats >= 1 && warmup >= 0, "repeats must be >= 1 and warmup >= 0");
        int[] tiles = {1};
        StepListener count = step -> tiles[0] = step.totalSteps();
        double[] family = new double[repeats];
        double[] baseline = new double[repeats];
        try (BareEncoder.Call call = bare.images(List.of(picture))) {
            for (int i = 0; i < warmup; i++) {
                model.transformImage(picture, ImageToImageOptions.defaults(), count);
                call.run();
            }
            for (int i = 0; i < repeats; i++) {
                if (i % 2 == 1) {
                    baseline[i] = call.run() / 1e9;
                }
                long start = System.nanoTime();
                model.transformImage(picture, ImageToImageOptions.defaults(), count);
                family[i] = (System.nanoTime() - start) / 1e9;
                if (i % 2 == 0) {
                    baseline[i] = call.run() / 1e9;
                }
            }
        }
        return new Figures(picture.width(), picture.height(), tiles[0], PipelineOverhead.median(family),
                PipelineOverhead.median(baseline));
    }
}
