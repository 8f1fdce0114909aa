package dev.genloom.api.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageTest {

    static Image random(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new Image(w, h, rgb);
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    @Test
    void pngRoundTripIsExact(@TempDir Path dir) {
        for (int[] size : new int[][] {{7, 5}, {1, 1}, {3, 17}, {64, 33}}) {
            Image img = random(size[0], size[1], size[0] * 100L + size[1]);
            Image back = Image.decode(img.toPng());
            assertEquals(img, back, size[0] + "x" + size[1]);

            Path file = dir.resolve("nested/dir/" + size[0] + "x" + size[1] + ".png");
            img.writePng(file);
            assertEquals(img, Image.read(file));
        }
    }

    @Test
    void pixelsKeepTheirPlaceAndOrder() {
        byte[] rgb = new byte[2 * 2 * 3];
        int[] pixels = {0x102030, 0x405060, 0x708090, 0xA0B0C0};
        for (int p = 0; p < 4; p++) {
            rgb[p * 3] = (byte) (pixels[p] >> 16);
            rgb[p * 3 + 1] = (byte) (pixels[p] >> 8);
            rgb[p * 3 + 2] = (byte) pixels[p];
        }
        Image img = Image.decode(new Image(2, 2, rgb).toPng());
        assertEquals(0x102030, img.rgbAt(0, 0));
        assertEquals(0x405060, img.rgbAt(1, 0));
        assertEquals(0x708090, img.rgbAt(0, 1));
        assertEquals(0xA0B0C0, img.rgbAt(1, 1));
        assertEquals(0x708090, img.toBufferedImage().getRGB(0, 1) & 0xffffff);
        GenloomException e = assertThrows(GenloomException.class, () -> img.rgbAt(2, 0));
        assertTrue(e.getMessage().contains("outside the 2x2"), e.getMessage());
    }

    @Test
    void jpegReadsBackWithinTolerance() throws IOException {
        // A smooth gradient, which JPEG keeps well.
        int w = 40;
        int h = 24;
        BufferedImage src = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                src.setRGB(x, y, (x * 6) << 16 | (y * 10) << 8 | 128);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(src, "jpg", out));
        Image img = Image.decode(out.toByteArray());
        assertEquals(w, img.width());
        assertEquals(h, img.height());
        long totalError = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int a = src.getRGB(x, y);
                int b = img.rgbAt(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs((a >> shift & 0xff) - (b >> shift & 0xff));
                    assertTrue(d <= 24, "pixel (" + x + ", " + y + ") off by " + d);
                    totalError += d;
                }
            }
        }
        assertTrue(totalError / (double) (w * h * 3) < 4, "mean error " + totalError / (double) (w * h * 3));
    }

    @Test
    void alphaIsComposedOntoWhite() throws IOException {
        BufferedImage argb = new BufferedImage(4, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00FF0000); // fully transparent red -> white
        argb.setRGB(1, 0, 0xFF0000FF); // opaque blue
        argb.setRGB(2, 0, 0x80000000); // half-transparent black -> mid gray
        argb.setRGB(3, 0, 0x40FF0000); // quarter red on white
        Image img = Image.decode(png(argb));
        assertEquals(0xFFFFFF, img.rgbAt(0, 0));
        assertEquals(0x0000FF, img.rgbAt(1, 0));
        assertEquals(0x7F7F7F, img.rgbAt(2, 0)); // 255 * (1 - 128/255) = 127
        // red: 255; green, blue: 255 * (1 - 64/255) = 191
        assertEquals(0xFFBFBF, img.rgbAt(3, 0));
    }

    @Test
    void grayscalePngReadsAsRgbWithItsGrayLevels() throws IOException {
        BufferedImage gray = new BufferedImage(5, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[] levels = {0, 1, 64, 128, 255};
        WritableRaster r = gray.getRaster();
        for (int x = 0; x < 5; x++) {
            r.setSample(x, 0, 0, levels[x]);
            r.setSample(x, 1, 0, 255 - levels[x]);
        }
        Image img = Image.decode(png(gray));
        for (int x = 0; x < 5; x++) {
            int v = levels[x];
            assertEquals(v << 16 | v << 8 | v, img.rgbAt(x, 0), "gray " + v);
            int u = 255 - v;
            assertEquals(u << 16 | u << 8 | u, img.rgbAt(x, 1), "gray " + u);
        }

        BufferedImage gray16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 0);
        gray16.getRaster().setSample(1, 0, 0, 32896); // 128 * 257
        gray16.getRaster().setSample(2, 0, 0, 65535);
        Image img16 = Image.decode(png(gray16));
        assertEquals(0x000000, img16.rgbAt(0, 0));
        assertEquals(0x808080, img16.rgbAt(1, 0));
        assertEquals(0xFFFFFF, img16.rgbAt(2, 0));
    }

    @Test
    void grayWithAlphaPngIsComposedOntoWhite() throws IOException {
        // Built as a gray+alpha PNG: a ComponentColorModel in the gray colour space with alpha.
        java.awt.color.ColorSpace cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY);
        java.awt.image.ColorModel cm = new java.awt.image.ComponentColorModel(cs, true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(3, 1);
        raster.setPixel(0, 0, new int[] {100, 255});
        raster.setPixel(1, 0, new int[] {100, 0});
        raster.setPixel(2, 0, new int[] {0, 128});
        BufferedImage img = new BufferedImage(cm, raster, false, null);
        Image back = Image.decode(png(img));
        assertEquals(0x646464, back.rgbAt(0, 0));
        assertEquals(0xFFFFFF, back.rgbAt(1, 0));
        assertEquals(0x7F7F7F, back.rgbAt(2, 0));
    }

    @Test
    void toChwNormalisesInPlaneOrder() {
        // 2x1 image: pixel 0 = (255, 0, 51), pixel 1 = (0, 255, 102)
        Image img = new Image(2, 1, new byte[] {(byte) 255, 0, 51, 0, (byte) 255, 102});
        float[] plain = img.toChw(new float[] {0, 0, 0}, new float[] {1, 1, 1});
        assertArrayEquals(new float[] {1f, 0f, 0f, 1f, 0.2f, 0.4f}, plain, 1e-6f);

        float[] norm = img.toChw(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.25f, 2f});
        assertArrayEquals(new float[] {1f, -1f, -2f, 2f, -0.15f, -0.05f}, norm, 1e-6f);

        assertThrows(GenloomException.class, () -> img.toChw(new float[] {0, 0}, new float[] {1, 1, 1}));
        assertThrows(GenloomException.class, () -> img.toChw(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
    }

    @Test
    void fromChwScalesClampsAndRoundTrips() {
        // 2x1, range [-1, 1]: -1 -> 0, 1 -> 255, 0 -> 128 (127.5 rounds up), out of range clamps.
        float[] chw = {-1f, 1f, 0f, 5f, -7f, Float.NaN};
        Image img = Image.fromChw(chw, 2, 1, -1f, 1f);
        assertArrayEquals(new byte[] {0, (byte) 128, 0, (byte) 255, (byte) 255, 0}, img.rgb());

        Image src = random(7, 5, 3);
        float[] t = src.toChw(new float[] {0, 0, 0}, new float[] {1, 1, 1});
        assertEquals(src, Image.fromChw(t, 7, 5, 0f, 1f));

        GenloomException e = assertThrows(GenloomException.class, () -> Image.fromChw(new float[5], 2, 1, 0, 1));
        assertTrue(e.getMessage().contains("3x1x2") && e.getMessage().contains("got 5"), e.getMessage());
        assertThrows(GenloomException.class, () -> Image.fromChw(new float[0], 0, 0, 0, 1));
        assertThrows(GenloomException.class, () -> Image.fromChw(new float[6], 2, 1, 1, 1));
    }

    @Test
    void constructorChecksSize() {
        GenloomException e = assertThrows(GenloomException.class, () -> new Image(2, 2, new byte[11]));
        assertTrue(e.getMessage().contains("12 bytes"), e.getMessage());
        assertThrows(GenloomException.class, () -> new Image(0, 2, new byte[0]));
    }

    @Test
    void textFileIsAClearInvalidInputError(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "this is not a picture\n");
        GenloomException e = assertThrows(GenloomException.class, () -> Image.read(text));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not an image format"), e.getMessage());
        assertTrue(e.describe().contains("PNG or JPEG"), e.describe());

        e = assertThrows(GenloomException.class, () -> Image.decode("plain text".getBytes()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());

        Path missing = dir.resolve("missing.png");
        e = assertThrows(GenloomException.class, () -> Image.read(missing));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains(missing.toString()));

        e = assertThrows(GenloomException.class, () -> Image.read(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());

        // A PNG cut in half: the header says PNG, the data is missing.
        byte[] png = random(30, 30, 1).toPng();
        e = assertThrows(GenloomException.class, () -> Image.decode(java.util.Arrays.copyOf(png, png.length / 2)));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("image bytes"), e.getMessage());
    }

    /** A PNG signature and an IHDR chunk claiming the given size, and nothing else: a few dozen bytes. */
    static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(4 + 13).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    @Test
    void aHugeImageIsRefusedByItsHeaderBeforeDecoding(@TempDir Path dir) throws IOException {
        Path huge = Files.write(dir.resolve("huge.png"), pngHeader(20000, 20000));
        assertTrue(Files.size(huge) < 100);
        GenloomException e = assertThrows(GenloomException.class, () -> Image.read(huge));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(huge.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("20000x20000 pixels"), e.getMessage());
        assertTrue(e.getMessage().contains("over the limit of " + Image.DEFAULT_MAX_PIXELS + " pixels"), e.getMessage());
        assertTrue(e.describe().contains("media.max-image-pixels"), e.describe());

        // the same bytes in memory, and a limit of one's own
        e = assertThrows(GenloomException.class, () -> Image.decode(pngHeader(20000, 20000)));
        assertTrue(e.getMessage().contains("20000x20000"), e.getMessage());
        Image small = random(30, 20, 7);
        Path file = dir.resolve("small.png");
        small.writePng(file);
        e = assertThrows(GenloomException.class, () -> Image.read(file, 599));
        assertTrue(e.getMessage().contains("30x20 pixels") && e.getMessage().contains("limit of 599 pixels"),
                e.getMessage());
        assertEquals(small, Image.read(file, 600));
        assertThrows(GenloomException.class, () -> Image.read(file, 0));
    }

    @Test
    void emptyCutShortAndDamagedImagesAreClearErrors(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        GenloomException e = assertThrows(GenloomException.class, () -> Image.read(empty));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(empty + " is empty"), e.getMessage());

        byte[] png = random(40, 40, 3).toPng();
        Path cutPng = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        e = assertThrows(GenloomException.class, () -> Image.read(cutPng));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("is a PNG file that cannot be read: it is cut short"), e.getMessage());

        Path headerOnly = Files.write(dir.resolve("header.png"), Arrays.copyOf(png, 20));
        e = assertThrows(GenloomException.class, () -> Image.read(headerOnly));
        assertTrue(e.getMessage().contains("cut short (in its header"), e.getMessage());

        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(random(64, 64, 5).toBufferedImage(), "jpg", jpeg));
        byte[] j = jpeg.toByteArray();
        Path cutJpeg = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(j, j.length / 2));
        e = assertThrows(GenloomException.class, () -> Image.read(cutJpeg));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("is a JPEG file that cannot be read: it is cut short"), e.getMessage());

        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }
}
