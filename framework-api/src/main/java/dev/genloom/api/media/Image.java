package dev.genloom.api.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An RGB picture: width, height and 8-bit red, green, blue samples, row by row (HWC order).
 * Immutable. Reads PNG and JPEG (and whatever else ImageIO reads), writes PNG; transparency is
 * composed onto white.
 */
public final class Image {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /** An image from interleaved RGB bytes, {@code width * height * 3} of them. */
    public Image(int width, int height, byte[] rgb) {
        GenloomException.require(width > 0 && height > 0, "image size must be positive, got " + width + "x" + height);
        GenloomException.require((long) width * height * 3 == rgb.length,
                "an " + width + "x" + height + " RGB image needs " + (long) width * height * 3 + " bytes, got " + rgb.length);
        this.width = width;
        this.height = height;
        this.rgb = rgb.clone();
    }

    private Image(int width, int height, byte[] rgb, boolean owned) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy of the RGB bytes, row by row. */
    public byte[] rgb() {
        return rgb.clone();
    }

    /** The pixel at (x, y) as 0xRRGGBB. */
    public int rgbAt(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw GenloomException.invalidInput("pixel (" + x + ", " + y + ") is outside the "
                    + width + "x" + height + " image");
        }
        int i = (y * width + x) * 3;
        return (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
    }

    /**
     * The pixels as a float tensor in CHW order (all reds, then greens, then blues), each sample
     * scaled to [0, 1] and then normalised as {@code (v - mean[c]) / std[c]}.
     */
    public float[] toChw(float[] mean, float[] std) {
        GenloomException.require(mean.length == 3 && std.length == 3, "mean and std need 3 values, one per channel");
        int plane = width * height;
        float[] out = new float[plane * 3];
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            int base = c * plane;
            for (int p = 0; p < plane; p++) {
                out[base + p] = ((rgb[p * 3 + c] & 0xff) / 255f - m) / s;
            }
        }
        return out;
    }

    /**
     * An image from a CHW float tensor whose samples lie in [lo, hi] (values outside are
     * clamped), for example a decoder's output in [-1, 1].
     */
    public static Image fromChw(float[] chw, int width, int height, float lo, float hi) {
        int plane = width * height;
        GenloomException.require(chw.length == plane * 3,
                "a 3x" + height + "x" + width + " tensor needs " + plane * 3 + " values, got " + chw.length);
        byte[] out = new byte[plane * 3];
        float scale = 255f / (hi - lo);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                float v = (chw[c * plane + p] - lo) * scale;
                int b = Math.round(Math.max(0f, Math.min(255f, v)));
                out[p * 3 + c] = (byte) b;
            }
        }
        return new Image(width, height, out, true);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                row[x] = (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    /** Any BufferedImage as RGB; alpha is composed onto white. */
    public static Image fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int a = argb >>> 24;
                int r = argb >> 16 & 0xff;
                int g = argb >> 8 & 0xff;
                int b = argb & 0xff;
                if (a != 255) {
                    r = (r * a + 255 * (255 - a) + 127) / 255;
                    g = (g * a + 255 * (255 - a) + 127) / 255;
                    b = (b * a + 255 * (255 - a) + 127) / 255;
                }
                int i = (y * w + x) * 3;
                out[i] = (byte) r;
                out[i + 1] = (byte) g;
                out[i + 2] = (byte) b;
            }
        }
        return new Image(w, h, out, true);
    }

    /** Reads a PNG or JPEG file. */
    public static Image read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GenloomException(ErrorKind.INVALID_INPUT, "image file not found: " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read image " + file + ": " + e.getMessage(), null, e);
        }
    }

    /** Reads PNG or JPEG bytes. */
    public static Image decode(byte[] bytes) {
        try {
            return read(new ByteArrayInputStream(bytes), "image bytes");
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read image bytes: " + e.getMessage(), null, e);
        }
    }

    private static Image read(InputStream in, String where) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new GenloomException(ErrorKind.INVALID_INPUT, where + " is not a readable image: " + e.getMessage(),
                    "give a PNG or JPEG file", e);
        }
        if (img == null) {
            throw new GenloomException(ErrorKind.INVALID_INPUT, where + " is not an image format Genloom reads",
                    "give a PNG or JPEG file");
        }
        return fromBufferedImage(img);
    }

    /** Writes this image as PNG. */
    public void writePng(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                writePng(out);
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot write PNG " + file + ": " + e.getMessage(), null, e);
        }
    }

    public void writePng(OutputStream out) throws IOException {
        if (!ImageIO.write(toBufferedImage(), "png", out)) {
            throw new IOException("no PNG writer available");
        }
    }

    /** This image as PNG bytes. */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writePng(out);
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot encode PNG: " + e.getMessage(), null, e);
        }
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image i && i.width == width && i.height == height && Arrays.equals(i.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return (width * 31 + height) * 31 + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "Image[" + width + "x" + height + "]";
    }
}
