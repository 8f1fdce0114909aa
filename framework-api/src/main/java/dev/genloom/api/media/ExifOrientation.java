package dev.genloom.api.media;

import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 of the first image file directory in its APP1
 * segment), and the image turned and mirrored the way it says the picture is meant to be seen:
 * cameras store the sensor's pixels and record how the camera was held.
 */
final class ExifOrientation {
    /** As stored. */
    static final int NORMAL = 1;
    /** Segments looked at before giving up: EXIF comes first, right after SOI or JFIF. */
    private static final int MAX_SEGMENTS = 32;
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /**
     * The orientation 1..8 of the JPEG at the stream's position, or 1 where it has none (or it
     * cannot be read: the picture is then shown as stored). The stream is left where it was.
     */
    static int read(ImageInputStream in) {
        ByteOrder order = in.getByteOrder();
        try {
            in.mark();
            try {
                return scan(in);
            } finally {
                in.reset();
                in.setByteOrder(order);
            }
        } catch (IOException | RuntimeException e) {
            return NORMAL;
        }
    }

    private static int scan(ImageInputStream in) throws IOException {
        in.setByteOrder(ByteOrder.BIG_ENDIAN);
        if (in.readUnsignedShort() != 0xFFD8) {
            return NORMAL;
        }
        for (int s = 0; s < MAX_SEGMENTS; s++) {
            int b = in.readUnsignedByte();
            if (b != 0xFF) {
                return NORMAL;
            }
            int marker = in.readUnsignedByte();
            while (marker == 0xFF) {
                marker = in.readUnsignedByte();
            }
            if (marker == 0xDA || marker == 0xD9) {
                return NORMAL;
            }
            int length = in.readUnsignedShort();
            if (length < 2) {
                return NORMAL;
            }
            if (marker == 0xE1 && length >= 16) {
                byte[] data = new byte[length - 2];
                in.readFully(data);
                if (data[0] == 'E' && data[1] == 'x' && data[2] == 'i' && data[3] == 'f' && data[4] == 0) {
                    return fromTiff(data, 6);
                }
            } else {
                in.skipBytes(length - 2);
            }
        }
        return NORMAL;
    }

    /** The orientation in the TIFF structure starting at {@code at}: byte order, 42, IFD0. */
    static int fromTiff(byte[] d, int at) {
        boolean little;
        if (d[at] == 'I' && d[at + 1] == 'I') {
            little = true;
        } else if (d[at] == 'M' && d[at + 1] == 'M') {
            little = false;
        } else {
            return NORMAL;
        }
        if (u16(d, at + 2, little) != 42) {
            return NORMAL;
        }
        long ifd = u32(d, at + 4, little);
        if (ifd < 8 || at + ifd + 2 > d.length) {
            return NORMAL;
        }
        int p = (int) (at + ifd);
        int entries = u16(d, p, little);
        for (int i = 0; i < entries; i++) {
            int e = p + 2 + i * 12;
            if (e + 12 > d.length) {
                return NORMAL;
            }
            if (u16(d, e, little) == ORIENTATION_TAG && u16(d, e + 2, little) == 3) {
                int v = u16(d, e + 8, little);
                return v >= 1 && v <= 8 ? v : NORMAL;
            }
        }
        return NORMAL;
    }

    private static int u16(byte[] d, int at, boolean little) {
        int a = d[at] & 0xff;
        int b = d[at + 1] & 0xff;
        return little ? b << 8 | a : a << 8 | b;
    }

    private static long u32(byte[] d, int at, boolean little) {
        long hi = u16(d, little ? at + 2 : at, little);
        long lo = u16(d, little ? at : at + 2, little);
        return hi << 16 | lo;
    }

    /**
     * The RGB pixels of a {@code w} x {@code h} picture turned as {@code orientation} says: 2 mirror,
     * 3 half turn, 4 upside-down mirror, 5 transpose, 6 quarter turn clockwise, 7 transverse, 8
     * quarter turn anticlockwise. Orientations 5 to 8 swap width and height.
     */
    static Image apply(Image image, int orientation) {
        if (orientation == NORMAL || orientation < 1 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                System.arraycopy(in, (sy * w + sx) * 3, out, (y * ow + x) * 3, 3);
            }
        }
        return new Image(ow, oh, out);
    }
}
