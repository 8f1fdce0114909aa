package dev.genloom.plugins.diffusion.sd;

import dev.genloom.api.media.Image;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/** The pictures and masks of image-to-image, in the forms the VAE and UNet take. */
final class Pixels {
    private static final Logger LOG = LoggerFactory.getLogger(Pixels.class);
    /** Mean and std that map [0, 1] to the VAE's [-1, 1]. */
    static final float[] HALF = {0.5f, 0.5f, 0.5f};

    private Pixels() {
    }

    /** The picture resized (bilinear). */
    static Image resize(Image image, int width, int height) {
        if (image.width() == width && image.height() == height) {
            return image;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image.toBufferedImage(), 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return Image.fromBufferedImage(out);
    }

    /**
     * The mask at the picture's size, one value per pixel: 1 where it is light (redrawn), 0 where
     * dark (kept), split at mid grey. A mask of another size is resized, with a warning.
     */
    static float[] pixelMask(Image mask, int width, int height) {
        if (mask.width() != width || mask.height() != height) {
            LOG.warn("the mask is {}x{}, the picture {}x{}: the mask is resized to the picture", mask.width(),
                    mask.height(), width, height);
            mask = resize(mask, width, height);
        }
        byte[] rgb = mask.rgb();
        float[] out = new float[width * height];
        for (int p = 0; p < out.length; p++) {
            int grey = ((rgb[3 * p] & 0xff) + (rgb[3 * p + 1] & 0xff) + (rgb[3 * p + 2] & 0xff)) / 3;
            out[p] = grey >= 128 ? 1f : 0f;
        }
        return out;
    }

    /**
     * The mask at the latents' size: the pixel mask sampled at the nearest pixel of each latent
     * cell (as {@code torch.nn.functional.interpolate}'s default mode, which the diffusers
     * pipelines use).
     */
    static float[] latentMask(Image mask, int width, int height, int latentWidth, int latentHeight) {
        float[] full = pixelMask(mask, width, height);
        float[] out = new float[latentWidth * latentHeight];
        for (int y = 0; y < latentHeight; y++) {
            int sy = (int) Math.floor(y * (double) height / latentHeight);
            for (int x = 0; x < latentWidth; x++) {
                int sx = (int) Math.floor(x * (double) width / latentWidth);
                out[y * latentWidth + x] = full[sy * width + sx];
            }
        }
        return out;
    }

    /** The picture's CHW values with the masked part blanked (0, mid grey in [-1, 1]); all kept for no mask. */
    static float[] masked(float[] chw, float[] pixelMask) {
        float[] out = chw.clone();
        if (pixelMask == null) {
            Arrays.fill(out, 0f);
            return out;
        }
        int plane = pixelMask.length;
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                if (pixelMask[p] >= 0.5f) {
                    out[c * plane + p] = 0f;
                }
            }
        }
        return out;
    }

    /** Whether every sample of the picture is (nearly) black. */
    static boolean black(Image image) {
        for (byte b : image.rgb()) {
            if ((b & 0xff) > 2) {
                return false;
            }
        }
        return true;
    }
}
