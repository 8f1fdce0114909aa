package dev.genloom.runtime.media;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every common kind of image file, each written here (Java 2D and ImageIO's writers, and byte by
 * byte where no writer makes it: EXIF orientation, WebP), read through {@link Image#read} with the
 * runtime's ImageIO plugins on the class path: PNG of 8 and 16 bits in grey, grey + alpha,
 * palette, RGB and RGBA (alpha composed onto white), JPEG in grey, RGB, CMYK and YCCK, every EXIF
 * orientation, BMP, GIF (its first frame), and lossless WebP.
 */
class ImageFormatsTest {
    /** A 4x2 test card: the top row red, green, blue, grey 128; the bottom row black, white, yellow, cyan. */
    static final int[][] CARD = {
            {0xFF0000, 0x00FF00, 0x0000FF, 0x808080},
            {0x000000, 0xFFFFFF, 0xFFFF00, 0x00FFFF}};

    @TempDir
    Path dir;

    Path write(BufferedImage img, String format, String name) throws IOException {
        Path f = dir.resolve(name);
        assertTrue(ImageIO.write(img, format, f.toFile()), "no " + format + " writer for " + name);
        return f;
    }

    static BufferedImage card(int type, int scale) {
        BufferedImage img = new BufferedImage(4 * scale, 2 * scale, type);
        for (int y = 0; y < 2 * scale; y++) {
            for (int x = 0; x < 4 * scale; x++) {
                img.setRGB(x, y, 0xFF000000 | CARD[y / scale][x / scale]);
            }
        }
        return img;
    }

    static void assertCard(Image im, int scale, int tolerance, String what) {
        assertEquals(4 * scale, im.width(), what);
        assertEquals(2 * scale, im.height(), what);
        for (int cy = 0; cy < 2; cy++) {
            for (int cx = 0; cx < 4; cx++) {
                assertColour(CARD[cy][cx], im.rgbAt(cx * scale + scale / 2, cy * scale + scale / 2), tolerance,
                        what + " cell " + cx + "," + cy);
            }
        }
    }

    static void assertColour(int want, int got, int tolerance, String what) {
        for (int shift = 16; shift >= 0; shift -= 8) {
            int w = want >> shift & 0xff;
            int g = got >> shift & 0xff;
            assertTrue(Math.abs(w - g) <= tolerance, String.format("%s: want #%06X, got #%06X", what, want, got));
        }
    }

    // ---------------------------------------------------------------- PNG

    @Test
    void pngRgbRgbaAndPaletteAt8Bits() throws IOException {
        assertCard(Image.read(write(card(BufferedImage.TYPE_INT_RGB, 1), "png", "rgb.png")), 1, 0, "rgb");
        BufferedImage rgba = card(BufferedImage.TYPE_INT_ARGB, 1);
        rgba.setRGB(0, 0, 0x80FF0000);  // half-transparent red: on white, (255, 128, 128)
        rgba.setRGB(1, 0, 0x00000000);  // transparent: white
        Image a = Image.read(write(rgba, "png", "rgba.png"));
        assertColour(0xFF7F7F, a.rgbAt(0, 0), 1, "half red on white");
        assertEquals(0xFFFFFF, a.rgbAt(1, 0));
        assertEquals(0x0000FF, a.rgbAt(2, 0));
        byte[] r = {(byte) 255, 0, 0, (byte) 128};
        byte[] g = {0, (byte) 255, 0, (byte) 128};
        byte[] b = {0, 0, (byte) 255, (byte) 128};
        byte[] alpha = {(byte) 255, (byte) 255, (byte) 255, 0};
        IndexColorModel palette = new IndexColorModel(2, 4, r, g, b, alpha);
        BufferedImage indexed = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        WritableRaster raster = indexed.getRaster();
        for (int x = 0; x < 4; x++) {
            raster.setSample(x, 0, 0, x);
        }
        Image p = Image.read(write(indexed, "png", "palette.png"));
        assertEquals(0xFF0000, p.rgbAt(0, 0));
        assertEquals(0x00FF00, p.rgbAt(1, 0));
        assertEquals(0x0000FF, p.rgbAt(2, 0));
        assertEquals(0xFFFFFF, p.rgbAt(3, 0), "a transparent palette entry is white");
    }

    @Test
    void pngGreyAndGreyAlphaAt8And16Bits() throws IOException {
        for (int bits : new int[] {8, 16}) {
            int type = bits == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT;
            int max = (1 << bits) - 1;
            ComponentColorModel grey = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
                    new int[] {bits}, false, false, Transparency.OPAQUE, type);
            WritableRaster gr = grey.createCompatibleWritableRaster(3, 1);
            gr.setSample(0, 0, 0, 0);
            gr.setSample(1, 0, 0, max / 2 + 1);  // 128 of 255, 32768 of 65535
            gr.setSample(2, 0, 0, max);
            Image g = Image.read(write(new BufferedImage(grey, gr, false, null), "png", "grey" + bits + ".png"));
            assertEquals(0x000000, g.rgbAt(0, 0));
            assertEquals(0x808080, g.rgbAt(1, 0), "grey keeps its level, bits " + bits);
            assertEquals(0xFFFFFF, g.rgbAt(2, 0));

            ComponentColorModel greyAlpha = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
                    new int[] {bits, bits}, true, false, Transparency.TRANSLUCENT, type);
            WritableRaster ga = greyAlpha.createCompatibleWritableRaster(2, 1);
            ga.setPixel(0, 0, new int[] {0, max});        // opaque black
            ga.setPixel(1, 0, new int[] {0, max / 2 + 1}); // half-transparent black: mid grey on white
            Image a = Image.read(write(new BufferedImage(greyAlpha, ga, false, null), "png", "grey-alpha" + bits + ".png"));
            assertEquals(0x000000, a.rgbAt(0, 0));
            assertColour(0x7F7F7F, a.rgbAt(1, 0), 1, "half black on white, bits " + bits);
        }
    }

    @Test
    void png16BitRgbAndRgba() throws IOException {
        for (boolean alpha : new boolean[] {false, true}) {
            ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                    alpha ? new int[] {16, 16, 16, 16} : new int[] {16, 16, 16}, alpha, false,
                    alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
            WritableRaster r = cm.createCompatibleWritableRaster(4, 2);
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 4; x++) {
                    int c = CARD[y][x];
                    int[] px = alpha ? new int[4] : new int[3];
                    for (int i = 0; i < 3; i++) {
                        px[i] = (c >> (16 - 8 * i) & 0xff) * 257;
                    }
                    if (alpha) {
                        px[3] = 65535;
                    }
                    r.setPixel(x, y, px);
                }
            }
            Image im = Image.read(write(new BufferedImage(cm, r, false, null), "png", "rgb16-" + alpha + ".png"));
            assertCard(im, 1, 0, "16-bit " + (alpha ? "RGBA" : "RGB"));
        }
    }

    // ---------------------------------------------------------------- JPEG

    @Test
    void jpegRgbAndGrey() throws IOException {
        assertCard(Image.read(write(card(BufferedImage.TYPE_3BYTE_BGR, 16), "jpeg", "rgb.jpg")), 16, 24, "jpeg");
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 0);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                grey.getRaster().setSample(x, y, 0, x < 8 ? 40 : 200);
            }
        }
        Image g = Image.read(write(grey, "jpeg", "grey.jpg"));
        assertColour(0x282828, g.rgbAt(3, 8), 4, "dark grey");
        assertColour(0xC8C8C8, g.rgbAt(12, 8), 4, "light grey");
    }

    /**
     * A 4-channel JPEG as Photoshop writes them: an Adobe APP14 marker (inserted here after SOI;
     * transform 0: CMYK, 2: YCCK) and the inks stored inverted; for YCCK, C, M and Y as YCbCr.
     * The JDK's writer encodes the four channels of a raster without converting them.
     */
    static byte[] adobeJpeg(int[][] inks, int cell, int transform) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, inks.length * cell, cell, 4, null);
        for (int y = 0; y < cell; y++) {
            for (int x = 0; x < inks.length * cell; x++) {
                int[] ink = inks[x / cell];
                int[] stored;
                if (transform == 2) {
                    double r = ink[0];
                    double g = ink[1];
                    double b = ink[2];
                    stored = new int[] {
                            clamp(0.299 * r + 0.587 * g + 0.114 * b),
                            clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + 128),
                            clamp(0.5 * r - 0.418688 * g - 0.081312 * b + 128),
                            255 - ink[3]};
                } else {
                    stored = new int[] {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]};
                }
                raster.setPixel(x, y, stored);
            }
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(plain)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = plain.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0,
                (byte) transform});
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    @ParameterizedTest(name = "Adobe transform {0}")
    @ValueSource(ints = {0, 2})
    void cmykAndYcckJpeg(int transform) throws IOException {
        int s = 16;
        int[][] inks = {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 0, 0, 255}, {0, 255, 255, 0}};  // none, cyan, black, red
        Path f = Files.write(dir.resolve("cmyk" + transform + ".jpg"), adobeJpeg(inks, s, transform));
        Image im = Image.read(f);
        assertEquals(4 * s, im.width());
        int white = im.rgbAt(s / 2, s / 2);
        int cyan = im.rgbAt(s + s / 2, s / 2);
        int black = im.rgbAt(2 * s + s / 2, s / 2);
        int red = im.rgbAt(3 * s + s / 2, s / 2);
        // a CMYK profile's colours, not the naive formula: cyan ink is a light blue, black ink a near black
        assertTrue(min(white) > 200, hex(white) + " for no ink");
        assertTrue(max(black) < 80, hex(black) + " for full black ink");
        assertTrue((cyan >> 16 & 0xff) < 100 && (cyan >> 8 & 0xff) > 120 && (cyan & 0xff) > 170, hex(cyan) + " for cyan ink");
        assertTrue((red >> 16 & 0xff) > 180 && (red >> 8 & 0xff) < 90 && (red & 0xff) < 90, hex(red) + " for magenta + yellow");
    }

    static int min(int rgb) {
        return Math.min(rgb >> 16 & 0xff, Math.min(rgb >> 8 & 0xff, rgb & 0xff));
    }

    static int max(int rgb) {
        return Math.max(rgb >> 16 & 0xff, Math.max(rgb >> 8 & 0xff, rgb & 0xff));
    }

    static String hex(int rgb) {
        return String.format("#%06X", rgb);
    }

    /** A JPEG with an EXIF APP1 segment holding only the orientation tag, inserted after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        short16(tiff, littleEndian ? 0x4949 : 0x4D4D, false);
        short16(tiff, 42, littleEndian);
        int32(tiff, 8, littleEndian);
        short16(tiff, 1, littleEndian);            // one entry
        short16(tiff, 0x0112, littleEndian);       // Orientation
        short16(tiff, 3, littleEndian);            // SHORT
        int32(tiff, 1, littleEndian);              // one value
        short16(tiff, orientation, littleEndian);  // the value, left-justified in 4 bytes
        short16(tiff, 0, littleEndian);
        int32(tiff, 0, littleEndian);              // no next IFD
        byte[] t = tiff.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);                     // SOI
        out.write(0xFF);
        out.write(0xE1);
        short16(out, 2 + 6 + t.length, false);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(t);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static void short16(ByteArrayOutputStream o, int v, boolean little) {
        o.write(little ? v & 0xff : v >> 8 & 0xff);
        o.write(little ? v >> 8 & 0xff : v & 0xff);
    }

    static void int32(ByteArrayOutputStream o, int v, boolean little) {
        if (little) {
            short16(o, v & 0xffff, true);
            short16(o, v >>> 16, true);
        } else {
            short16(o, v >>> 16, false);
            short16(o, v & 0xffff, false);
        }
    }

    /**
     * Each EXIF orientation turns the stored card into the picture meant: the stored card's
     * top-left cell (red) lands where the orientation says, and 5 to 8 swap width and height.
     */
    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void exifOrientationIsApplied(int orientation) throws IOException {
        int s = 16;
        Path stored = write(card(BufferedImage.TYPE_3BYTE_BGR, s), "jpeg", "stored.jpg");
        Image plain = Image.read(stored);
        Path f = dir.resolve("o" + orientation + ".jpg");
        Files.write(f, withOrientation(Files.readAllBytes(stored), orientation, orientation % 2 == 0));
        Image im = Image.read(f);
        int w = 4 * s;
        int h = 2 * s;
        boolean swap = orientation >= 5;
        assertEquals(swap ? h : w, im.width());
        assertEquals(swap ? w : h, im.height());
        // where the stored pixel (x, y) is seen, for each orientation
        for (int[] p : new int[][] {{s / 2, s / 2}, {w - s / 2, s / 2}, {s / 2 + s, h - s / 2}}) {
            int x = p[0];
            int y = p[1];
            int[] seen = switch (orientation) {
                case 1 -> new int[] {x, y};
                case 2 -> new int[] {w - 1 - x, y};
                case 3 -> new int[] {w - 1 - x, h - 1 - y};
                case 4 -> new int[] {x, h - 1 - y};
                case 5 -> new int[] {y, x};
                case 6 -> new int[] {h - 1 - y, x};
                case 7 -> new int[] {h - 1 - y, w - 1 - x};
                default -> new int[] {y, w - 1 - x};
            };
            assertEquals(plain.rgbAt(x, y), im.rgbAt(seen[0], seen[1]), "stored (" + x + ", " + y + ")");
        }
    }

    // ---------------------------------------------------------------- BMP, GIF, WebP

    @Test
    void bmpAndGif() throws IOException {
        assertCard(Image.read(write(card(BufferedImage.TYPE_3BYTE_BGR, 1), "bmp", "card.bmp")), 1, 0, "bmp");
        Path gif = dir.resolve("card.gif");
        writeGif(gif, indexedCard());
        assertCard(Image.read(gif), 1, 0, "gif");
    }

    /** The card with a palette of exactly its colours (GIF holds a palette). */
    static BufferedImage indexedCard() {
        byte[] r = new byte[8];
        byte[] g = new byte[8];
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            int c = CARD[i / 4][i % 4];
            r[i] = (byte) (c >> 16);
            g[i] = (byte) (c >> 8);
            b[i] = (byte) c;
        }
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 8, r, g, b));
        for (int i = 0; i < 8; i++) {
            img.getRaster().setSample(i % 4, i / 4, 0, i);
        }
        return img;
    }

    /** Writes GIF frames, not interlaced. */
    static void writeGif(Path f, BufferedImage... frames) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                writer.writeToSequence(new IIOImage(frame, null, null), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    @Test
    void anAnimatedGifGivesItsFirstFrame() throws IOException {
        Path f = dir.resolve("animated.gif");
        BufferedImage second = indexedCard();
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                second.getRaster().setSample(x, y, 0, 4);  // all black
            }
        }
        writeGif(f, indexedCard(), second);
        assertCard(Image.read(f), 1, 0, "first frame");
    }

    /**
     * A lossless WebP (VP8L) written bit by bit: no transforms, no colour cache, one group of
     * prefix codes, each a "simple" code: green has two symbols (0 and 255, one bit each), red,
     * blue and alpha one symbol each. So each pixel is one bit: green on or off.
     */
    static byte[] webp(int width, int height, boolean[] greenOn, int red, int blue) {
        Bits b = new Bits();
        b.put(0x2F, 8);                 // VP8L signature
        b.put(width - 1, 14);
        b.put(height - 1, 14);
        b.put(0, 1);                    // alpha is not used
        b.put(0, 3);                    // version 0
        b.put(0, 1);                    // no transform
        b.put(0, 1);                    // no colour cache
        b.put(0, 1);                    // no meta prefix codes
        // green: simple code of two 8-bit symbols, 0 and 255
        b.put(1, 1);
        b.put(1, 1);
        b.put(1, 1);
        b.put(0, 8);
        b.put(255, 8);
        for (int v : new int[] {red, blue, 255}) {  // red, blue, alpha: one symbol each
            b.put(1, 1);
            b.put(0, 1);
            b.put(1, 1);
            b.put(v, 8);
        }
        // distance: one symbol (0), never used
        b.put(1, 1);
        b.put(0, 1);
        b.put(0, 1);
        b.put(0, 1);
        for (boolean on : greenOn) {
            b.put(on ? 1 : 0, 1);
        }
        byte[] vp8l = b.bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int chunk = vp8l.length + (vp8l.length & 1);
        out.writeBytes(new byte[] {'R', 'I', 'F', 'F'});
        int32(out, 4 + 8 + chunk, true);
        out.writeBytes(new byte[] {'W', 'E', 'B', 'P', 'V', 'P', '8', 'L'});
        int32(out, vp8l.length, true);
        out.writeBytes(vp8l);
        if ((vp8l.length & 1) == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Bits packed least significant first, as VP8L reads them. */
    static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int used;

        void put(int value, int n) {
            for (int i = 0; i < n; i++) {
                current |= (value >> i & 1) << used;
                if (++used == 8) {
                    out.write(current);
                    current = 0;
                    used = 0;
                }
            }
        }

        byte[] bytes() {
            if (used > 0) {
                out.write(current);
                current = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }

    @Test
    void losslessWebp() throws IOException {
        int w = 5;
        int h = 3;
        boolean[] on = new boolean[w * h];
        for (int i = 0; i < on.length; i++) {
            on[i] = (i * 7 + i / w) % 3 == 0;
        }
        Path f = dir.resolve("pattern.webp");
        Files.write(f, webp(w, h, on, 200, 30));
        Image im = Image.read(f);
        assertEquals(w, im.width());
        assertEquals(h, im.height());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int want = 200 << 16 | (on[y * w + x] ? 255 : 0) << 8 | 30;
                assertEquals(want, im.rgbAt(x, y), "pixel " + x + "," + y);
            }
        }
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void notAnImageAndCutShortFilesAreRefusedInWords() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "hello, not a picture");
        GenloomException e = assertThrows(GenloomException.class, () -> Image.read(text));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("not an image format") && e.getMessage().contains("WebP"), e.getMessage());
        byte[] webp = webp(5, 3, new boolean[15], 1, 2);
        Path cut = dir.resolve("cut.webp");
        Files.write(cut, java.util.Arrays.copyOf(webp, 24));
        GenloomException c = assertThrows(GenloomException.class, () -> Image.read(cut));
        assertEquals(ErrorKind.INVALID_INPUT, c.kind(), c.getMessage());
        Path empty = Files.write(dir.resolve("empty.jpg"), new byte[0]);
        GenloomException z = assertThrows(GenloomException.class, () -> Image.read(empty));
        assertTrue(z.getMessage().contains("empty"), z.getMessage());
    }
}
