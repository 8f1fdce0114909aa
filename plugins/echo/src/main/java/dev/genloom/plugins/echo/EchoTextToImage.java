package dev.genloom.plugins.echo;

import dev.genloom.api.DenoisingStep;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Image;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Text-to-image: paints the first colour word of the prompt (one the negative prompt does not
 * name), with noise from the seed; each step sends one channel plane through the model, as a
 * denoiser's work would.
 */
final class EchoTextToImage extends EchoPart implements TextToImage {
    private static final int DEFAULT_SIZE = 64;
    private static final int DEFAULT_STEPS = 4;

    EchoTextToImage(EchoSession session) {
        super(session);
    }

    @Override
    public List<Image> generateImages(String prompt, ImageOptions options, StepListener listener) {
        GenloomException.require(prompt != null && !prompt.isBlank(), "the prompt is empty");
        long start = System.nanoTime();
        session.work(prompt);
        int width = options.width() == null ? DEFAULT_SIZE : options.width();
        int height = options.height() == null ? DEFAULT_SIZE : options.height();
        int steps = options.steps() == null ? DEFAULT_STEPS : options.steps();
        int colour = Colours.find(prompt);
        if (colour < 0 || Colours.mentions(options.negativePrompt(), colour)) {
            colour = Math.floorMod(prompt.strip().hashCode(), Colours.NAMES.length);
            while (Colours.mentions(options.negativePrompt(), colour)) {
                colour = (colour + 1) % Colours.NAMES.length;
            }
        }
        Random noise = new Random(options.seed() == null ? 0 : options.seed());
        int plane = width * height;
        float[] chw = new float[plane * 3];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                chw[c * plane + p] = Colours.RGB[colour][c] + noise.nextInt(9) - 4;
            }
        }
        for (int step = 0; step < steps; step++) {
            int c = step % 3;
            float[] planeValues = new float[plane];
            System.arraycopy(chw, c * plane, planeValues, 0, plane);
            System.arraycopy(session.echo(planeValues), 0, chw, c * plane, plane);
            listener.onStep(new DenoisingStep(step + 1, steps, steps - step, Duration.ofNanos(System.nanoTime() - start)));
        }
        Image image = Image.fromChw(chw, width, height, 0, 255);
        return Collections.nCopies(options.count() == null ? 1 : options.count(), image);
    }
}
