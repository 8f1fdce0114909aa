package dev.genloom.api.media;

import org.junit.jupiter.api.Test;

import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The EXIF orientation: each of the 8 turns a 3x2 picture as the tag's definition says, and a
 * JPEG header without the tag, with a damaged one, or cut short reads as 1 and leaves the stream
 * where it was.
 */
class ExifOrientationTest {

    /** Pixel values 0..5 in a 3x2 picture: row 0 is 0 1 2, row 1 is 3 4 5 (in the red channel). */
    static Image picture() {
        byte[] rgb = new byte[18];
        for (int i = 0; i < 6; i++) {
            rgb[i * 3] = (byte) i;
        }
        return new Image(3, 2, rgb);
    }

    static String rows(Image im) {
        StringBuilder s = new StringBuilder();
        for (int y = 0; y < im.height(); y++) {
            if (y > 0) {
                s.append('/');
            }
            for (int x = 0; x < im.width(); x++) {
                s.append(im.rgbAt(x, y) >> 16);
            }
        }
        return s.toString();
    }

    @Test
    void eachOrientationTurnsThePictureAsDefined() {
        Image p = picture();
        assertEquals("012/345", rows(ExifOrientation.apply(p, 1)));
        assertEquals("210/543", rows(ExifOrientation.apply(p, 2)));  // mirrored
        assertEquals("543/210", rows(ExifOrientation.apply(p, 3)));  // half turn
        assertEquals("345/012", rows(ExifOrientation.apply(p, 4)));  // upside down
        assertEquals("03/14/25", rows(ExifOrientation.apply(p, 5))); // transposed
        assertEquals("30/41/52", rows(ExifOrientation.apply(p, 6))); // a quarter turn clockwise
        assertEquals("52/41/30", rows(ExifOrientation.apply(p, 7))); // transverse
        assertEquals("25/14/03", rows(ExifOrientation.apply(p, 8))); // a quarter turn anticlockwise
        assertEquals("012/345", rows(ExifOrientation.apply(p, 9)), "out of range: as stored");
    }

    static int read(byte[] bytes) throws IOException {
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            int o = ExifOrientation.read(in);
            assertEquals(0, in.getStreamPosition(), "the stream is left where it was");
            return o;
        }
    }

    static byte[] app1(byte[] tiff) {
        byte[] out = new byte[2 + 4 + 6 + tiff.length + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xE1;
        int len = 2 + 6 + tiff.length;
        out[4] = (byte) (len >> 8);
        out[5] = (byte) len;
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, out, 6, 6);
        System.arraycopy(tiff, 0, out, 12, tiff.length);
        out[out.length - 2] = (byte) 0xFF;
        out[out.length - 1] = (byte) 0xD9;
        return out;
    }

    @Test
    void theTagIsReadInEitherByteOrderAndAnythingElseIsOne() throws IOException {
        byte[] motorola = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
        byte[] intel = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(6, read(app1(motorola)));
        assertEquals(8, read(app1(intel)));
        byte[] otherTag = motorola.clone();
        otherTag[11] = 0x13;
        assertEquals(1, read(app1(otherTag)));
        byte[] badOffset = motorola.clone();
        badOffset[7] = 100;
        assertEquals(1, read(app1(badOffset)));
        byte[] badValue = motorola.clone();
        badValue[19] = 12;
        assertEquals(1, read(app1(badValue)));
        byte[] cut = Arrays.copyOf(app1(motorola), 14);
        assertEquals(1, read(cut));
        assertEquals(1, read(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
    }
}
