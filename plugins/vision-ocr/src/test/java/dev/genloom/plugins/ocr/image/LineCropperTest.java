package dev.genloom.plugins.ocr.image;

import dev.genloom.api.media.Image;
import dev.genloom.plugins.ocr.geometry.Pt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The perspective crop on a picture whose red and green are linear in x and y (so that bilinear
 * sampling is exact): each output pixel holds the value at the point the test works out for it.
 */
class LineCropperTest {
    static final int W = 120;
    static final int H = 100;

    /** Red = x, green = y (pixel indices), blue = 50. */
    static Image ramps() {
        byte[] rgb = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = (y * W + x) * 3;
                rgb[i] = (byte) x;
                rgb[i + 1] = (byte) y;
                rgb[i + 2] = 50;
            }
        }
        return new Image(W, H, rgb);
    }

    @Test
    void aTurnedRectangleIsSampledWhereItLies() {
        double a = Math.toRadians(20);
        Pt u = new Pt(Math.cos(a), Math.sin(a));
        Pt v = new Pt(-Math.sin(a), Math.cos(a));
        Pt tl = new Pt(30, 20);
        double w = 60;
        double h = 15;
        List<Pt> quad = List.of(tl, tl.plus(u.times(w)), tl.plus(u.times(w)).plus(v.times(h)), tl.plus(v.times(h)));
        LineImage line = new LineCropper(48).crop(new Pixels(ramps()), quad);
        assertEquals(48, line.height());
        assertEquals((int) Math.ceil(48 * w / h), line.width());
        for (int y = 0; y < line.height(); y += 5) {
            for (int x = 0; x < line.width(); x += 7) {
                // the output pixel's centre, as a share of the rectangle's sides, on the picture
                Pt p = tl.plus(u.times((x + 0.5) / line.width() * w)).plus(v.times((y + 0.5) / line.height() * h));
                // quadrilaterals run round pixel edges: pixel i's centre is at i + 0.5
                assertEquals(p.x() - 0.5, line.at(x, y, 0), 1e-3, "red at " + x + ", " + y);
                assertEquals(p.y() - 0.5, line.at(x, y, 1), 1e-3, "green at " + x + ", " + y);
                assertEquals(50, line.at(x, y, 2), 1e-4);
            }
        }
    }

    @Test
    void aShrunkLineAveragesSeveralSamplesAndStaysExactOnRamps() {
        List<Pt> quad = List.of(new Pt(10, 10), new Pt(110, 10), new Pt(110, 90), new Pt(10, 90));
        // 100 x 80 taken down to 60 x 48: 2 x 2 samples a pixel
        LineImage line = new LineCropper(48).crop(new Pixels(ramps()), quad);
        assertEquals(60, line.width());
        for (int y = 0; y < 48; y += 6) {
            for (int x = 0; x < 60; x += 6) {
                assertEquals(10 + (x + 0.5) * 100 / 60 - 0.5, line.at(x, y, 0), 1e-3);
                assertEquals(10 + (y + 0.5) * 80 / 48 - 0.5, line.at(x, y, 1), 1e-3);
            }
        }
    }

    @Test
    void aTallQuadrilateralIsTurnedCounterClockwise() {
        // 20 wide, 60 tall: read as a line from its top-right corner down its right edge
        List<Pt> quad = List.of(new Pt(40, 20), new Pt(60, 20), new Pt(60, 80), new Pt(40, 80));
        LineImage line = new LineCropper(48).crop(new Pixels(ramps()), quad);
        assertEquals(144, line.width());
        // along the line (x) the picture's y grows; down the line the picture's x falls
        assertEquals(20 + 0.5 * 60 / 144 - 0.5, line.at(0, 0, 1), 1e-3);
        assertEquals(60 - 0.5 * 20 / 48 - 0.5, line.at(0, 0, 0), 1e-3);
        assertEquals(20 + 143.5 * 60 / 144 - 0.5, line.at(143, 47, 1), 1e-3);
        assertEquals(60 - 47.5 * 20 / 48 - 0.5, line.at(143, 47, 0), 1e-3);
    }

    @Test
    void turningRoundAndNormalising() {
        LineImage line = new LineImage(2, 1, new float[] {0, 255, 10, 20, 100, 200});
        LineImage turned = line.rotated180();
        assertEquals(255, turned.at(0, 0, 0));
        assertEquals(200, turned.at(0, 0, 2));
        assertEquals(100, turned.at(1, 0, 2));
        float[] tensor = new float[3 * 1 * 4];
        line.writeNormalised(tensor, 0, 4);
        // blue first, then green, then red; (v / 255 - 0.5) / 0.5; padding stays 0
        assertEquals(100 / 127.5f - 1, tensor[0], 1e-6);
        assertEquals(200 / 127.5f - 1, tensor[1], 1e-6);
        assertEquals(0, tensor[2]);
        assertEquals(10 / 127.5f - 1, tensor[4], 1e-6);
        assertEquals(-1, tensor[8], 1e-6);
        assertEquals(1, tensor[9], 1e-6);
    }
}
