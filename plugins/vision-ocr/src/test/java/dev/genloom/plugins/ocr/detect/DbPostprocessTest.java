package dev.genloom.plugins.ocr.detect;

import dev.genloom.plugins.ocr.geometry.Pt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DB post-processing on probability maps the test paints. */
class DbPostprocessTest {

    static float[] map(int w, int h, int[][] rects, float p) {
        float[] m = new float[w * h];
        for (int[] r : rects) {
            for (int y = r[1]; y <= r[3]; y++) {
                for (int x = r[0]; x <= r[2]; x++) {
                    m[y * w + x] = p;
                }
            }
        }
        return m;
    }

    @Test
    void aKernelBecomesItsGrownBoxInTheImagesPixels() {
        int w = 128;
        int h = 64;
        // kernel pixels x 20..99, y 30..39: centres span 79 x 9
        float[] m = map(w, h, new int[][] {{20, 30, 99, 39}}, 0.9f);
        // the image is twice the map's size
        DetectionInput in = new DetectionInput(new float[0], w, h, 2 * w, 2 * h);
        List<DetectedBox> boxes = new DbPostprocess(0.3, 0.6, 1.5, 3, false).boxes(m, in);
        assertEquals(1, boxes.size());
        DetectedBox b = boxes.get(0);
        assertEquals(0.9, b.score(), 1e-6);
        double d = 79 * 9 * 1.5 / (2 * (79 + 9));
        List<Pt> q = b.quad();
        assertEquals(2 * (20 - d), q.get(0).x(), 1e-6);
        assertEquals(2 * (30 - d), q.get(0).y(), 1e-6);
        assertEquals(2 * (99 + d), q.get(2).x(), 1e-6);
        assertEquals(2 * (39 + d), q.get(2).y(), 1e-6);
        assertTrue(q.get(1).x() > q.get(0).x() && q.get(3).y() > q.get(0).y(), "top-left, top-right, bottom-right, bottom-left");
    }

    @Test
    void faintSmallAndThinRegionsAreDropped() {
        int w = 96;
        int h = 64;
        float[] m = map(w, h, new int[][] {{5, 5, 60, 12}}, 0.5f); // over the threshold, under the box threshold
        float[] strong = map(w, h, new int[][] {{5, 30, 60, 31}, {80, 40, 81, 41}}, 0.95f); // 1 pixel high; 2 x 2
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.max(m[i], strong[i]);
        }
        DetectionInput in = new DetectionInput(new float[0], w, h, w, h);
        assertEquals(List.of(), new DbPostprocess(0.3, 0.6, 1.5, 3, false).boxes(m, in));
        assertEquals(1, new DbPostprocess(0.3, 0.4, 1.5, 3, false).boxes(m, in).size(), "a lower box threshold keeps it");
    }

    @Test
    void dilationSetsThePixelsRightAndBelow() {
        boolean[] mask = new boolean[4 * 3];
        mask[1 * 4 + 1] = true;
        boolean[] d = DbPostprocess.dilated(mask, 4, 3);
        int set = 0;
        for (boolean b : d) {
            set += b ? 1 : 0;
        }
        assertEquals(4, set);
        assertTrue(d[5] && d[6] && d[9] && d[10]);
    }
}
