package dev.genloom.api.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import dev.genloom.api.io.UserFiles;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * An RGB picture: width, height and 8-bit red, green, blue samples, row by row (HWC order).
 * Immutable. Reads what ImageIO reads (PNG, JPEG, GIF's first frame, BMP; with the runtime's
 * ImageIO plugins also CMYK and YCCK JPEG and WebP), writes PNG; transparency is composed onto
 * white, grey becomes three equal channels, 16-bit samples are rounded to 8, and a JPEG's EXIF
 * orientation is applied. Reading checks the size in the file's header against a pixel limit
 * before decoding, so that a huge picture is refused rather than filling the heap.
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

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
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
        GenloomException.require(std[0] != 0 && std[1] != 0 && std[2] != 0, "std must not be 0");
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
        GenloomException.require(width > 0 && height > 0, "image size must be positive, got " + width + "x" + height);
        GenloomException.require(Float.isFinite(lo) && Float.isFinite(hi) && hi > lo,
                "the value range must satisfy lo < hi, got [" + lo + ", " + hi + "]");
        GenloomException.require((long) width * height * 3 <= Integer.MAX_VALUE - 16,
                "a " + width + "x" + height + " image is too large");
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

    /** The image as a Java 2D image ({@code TYPE_INT_RGB}). */
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

    /**
     * Any BufferedImage as RGB; alpha is composed onto white. Gray images keep their gray levels
     * (a PNG gray of 128 becomes RGB 128, 128, 128), as other image libraries read them.
     */
    public static Image fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        if ((long) w * h * 3 > Integer.MAX_VALUE - 16) {
            throw GenloomException.invalidInput("a " + w + "x" + h + " image is too large to hold in memory as RGB");
        }
        ColorModel cm = img.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)
                && img.getRaster().getNumBands() == cm.getNumComponents()) {
            return fromGray(img);
        }
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
                    r = onWhite(r, a);
                    g = onWhite(g, a);
                    b = onWhite(b, a);
                }
                int i = (y * w + x) * 3;
                out[i] = (byte) r;
                out[i + 1] = (byte) g;
                out[i + 2] = (byte) b;
            }
        }
        return new Image(w, h, out, true);
    }

    /**
     * Reads gray (and gray + alpha) samples straight from the raster: {@code getRGB} would treat
     * them as linear light and brighten the mid-tones.
     */
    private static Image fromGray(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        boolean alpha = cm.hasAlpha() && bands > 1;
        long grayMax = (1L << cm.getComponentSize(0)) - 1;
        long alphaMax = alpha ? (1L << cm.getComponentSize(bands - 1)) - 1 : 1;
        boolean premultiplied = cm.isAlphaPremultiplied();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                long v = row[x * bands] & 0xffffffffL;
                int gray = (int) ((v * 255 + grayMax / 2) / grayMax);
                if (alpha) {
                    long av = row[x * bands + bands - 1] & 0xffffffffL;
                    int a = (int) ((av * 255 + alphaMax / 2) / alphaMax);
                    if (premultiplied && a > 0) {
                        gray = Math.min(255, (gray * 255 + a / 2) / a);
                    }
                    gray = a == 255 ? gray : onWhite(gray, a);
                }
                int i = (y * w + x) * 3;
                out[i] = out[i + 1] = out[i + 2] = (byte) gray;
            }
        }
        return new Image(w, h, out, true);
    }

    /** A colour level of opacity {@code a} (0..255) composed onto white, rounded. */
    private static int onWhite(int level, int a) {
        return (level * a + 255 * (255 - a) + 127) / 255;
    }

    /**
     * The most pixels {@link #read(Path)} and {@link #decode(byte[])} accept: 64 Mi pixels
     * (8192 x 8192), 192 MiB as RGB. The runtime's setting {@code media.max-image-pixels} changes
     * it for what Genloom reads.
     */
    public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;

    /** The most pixels an image can have at all: its RGB bytes must fit one Java array. */
    public static final long MAX_PIXELS = (Integer.MAX_VALUE - 16) / 3;

    /** Reads a PNG or JPEG file (or another format ImageIO reads) of at most {@link #DEFAULT_MAX_PIXELS}. */
    public static Image read(Path file) {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    /**
     * Reads a PNG or JPEG file (or another format ImageIO reads). Its width and height are read
     * from its header first, and an image of more than {@code maxPixels} pixels is refused
     * before any of it is decoded, naming the file, its size and the limit.
     *
     * @throws GenloomException {@link ErrorKind#INVALID_INPUT} for a missing, empty or unreadable
     *                          file, one that is no image, one cut short or damaged, and one over
     *                          the limit
     */
    public static Image read(Path file, long maxPixels) {
        checkLimit(maxPixels);
        UserFiles.requireNonEmptyFile(file, "image", "the file holds no picture; give a PNG or JPEG file");
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            return read(in, "image " + file, maxPixels);
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "image", e);
        }
    }

    /** Reads PNG or JPEG bytes of an image of at most {@link #DEFAULT_MAX_PIXELS}. */
    public static Image decode(byte[] bytes) {
        return decode(bytes, DEFAULT_MAX_PIXELS);
    }

    /** Reads PNG or JPEG bytes; as {@link #read(Path, long)}, an image over {@code maxPixels} is refused first. */
    public static Image decode(byte[] bytes, long maxPixels) {
        checkLimit(maxPixels);
        if (bytes.length == 0) {
            throw GenloomException.invalidInput("the image bytes are empty (0 bytes)", "give PNG or JPEG bytes");
        }
        // a memory cache, not ImageIO's default temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return read(in, "the image bytes", maxPixels);
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot read the image bytes: " + e.getMessage(), null, e);
        }
    }

    private static void checkLimit(long maxPixels) {
        GenloomException.require(maxPixels > 0 && maxPixels <= MAX_PIXELS,
                "the image pixel limit must be from 1 to " + MAX_PIXELS + ", not " + maxPixels);
    }

    /** Finds a reader by the content, reads the size from the header, checks it, then decodes. */
    private static Image read(ImageInputStream in, String where, long maxPixels) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw GenloomException.invalidInput(where + " is not an image format Genloom reads (its content is not "
                    + "PNG, JPEG, GIF, BMP" + (ImageIO.getImageReadersByFormatName("webp").hasNext() ? ", WebP" : "")
                    + " or another format ImageIO reads here)", "give a PNG or JPEG file");
        }
        ImageReader reader = readers.next();
        String format = reader.getOriginatingProvider() == null ? "image"
                : reader.getOriginatingProvider().getFormatNames()[0].toUpperCase(Locale.ROOT);
        // cameras record how they were held; the picture is turned as it is meant to be seen
        int orientation = reader.getOriginatingProvider() != null && Arrays.stream(reader.getOriginatingProvider()
                .getFormatNames()).anyMatch(n -> n.equalsIgnoreCase("jpeg")) ? ExifOrientation.read(in)
                : ExifOrientation.NORMAL;
        List<String> cutShort = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> {
            String w = warning.toLowerCase(Locale.ROOT);
            if (w.contains("truncated") || w.contains("premature end")) {
                cutShort.add(warning);
            }
        });
        try {
            reader.setInput(in, true, true);
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw damaged(where, format, "its header", e);
            }
            long pixels = (long) width * height;
            if (pixels > maxPixels) {
                throw GenloomException.invalidInput(where + " is " + width + "x" + height + " pixels ("
                        + megapixels(pixels) + "), over the limit of " + maxPixels + " pixels ("
                        + megapixels(maxPixels) + ")", "give a smaller image, or raise the limit: "
                        + "media.max-image-pixels in genloom.yaml, or the maxPixels of Image.read in code");
            }
            BufferedImage img;
            try {
                img = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw damaged(where, format, "its pixel data", e);
            }
            if (!cutShort.isEmpty()) {
                throw GenloomException.invalidInput(where + " is a " + format + " file that cannot be read: it is cut "
                        + "short (" + cutShort.get(0) + ")", "copy or save the file again");
            }
            return ExifOrientation.apply(fromBufferedImage(img), orientation);
        } finally {
            reader.dispose();
        }
    }

    private static GenloomException damaged(String where, String format, String part, Throwable e) {
        boolean shortened = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            shortened |= t instanceof EOFException;
        }
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
        return new GenloomException(ErrorKind.INVALID_INPUT, where + " is a " + format + " file that cannot be read: "
                + (shortened ? "it is cut short" : "it is damaged") + " (in " + part + detail + ")",
                "copy or save the file again, or give a PNG or JPEG file", e);
    }

    private static String megapixels(long pixels) {
        return String.format(Locale.ROOT, "%.1f megapixels", pixels / 1e6);
    }

    /** Writes this image as PNG. */
    public void writePng(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                writePng(out);
            }
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "cannot write PNG " + file + ": " + e.getMessage(), null, e);
        }
    }

    /** Writes this image as PNG to a stream, which is flushed and left open. */
    public void writePng(OutputStream out) throws IOException {
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(toBufferedImage(), "png", ios)) {
                throw new IOException("no PNG writer available");
            }
        }
        out.flush();
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
