package dev.genloom.plugins.echo;

import dev.genloom.api.DenoisingStep;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.StepListener;
import dev.genloom.api.media.Image;

import java.time.Duration;

/**
 * Image-to-image: mirrors the picture left to right, its pixels through the model, so that the
 * change is plain to see and to check; one step.
 */
final class EchoImageToImage extends EchoPart implements ImageToImage {

    EchoImageToImage(EchoSession session) {
        super(session);
    }

    @Override
    public Image transformImage(Image image, ImageToImageOptions options, StepListener listener) {
        long start = System.nanoTime();
        session.work(options.prompt());
        int w = image.width();
        int h = image.height();
        float[] chw = session.echo(image.toChw(new float[] {0, 0, 0}, new float[] {1 / 255f, 1 / 255f, 1 / 255f}));
        float[] mirrored = new float[chw.length];
        int plane = w * h;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    mirrored[c * plane + y * w + x] = chw[c * plane + y * w + (w - 1 - x)];
                }
            }
        }
        listener.onStep(new DenoisingStep(1, 1, 0, Duration.ofNanos(System.nanoTime() - start)));
        return Image.fromChw(mirrored, w, h, 0, 255);
    }
}
