package dev.genloom.plugins.ocr.detect;

import dev.genloom.plugins.ocr.geometry.Contours;
import dev.genloom.plugins.ocr.geometry.MinAreaRect;
import dev.genloom.plugins.ocr.geometry.Polygons;
import dev.genloom.plugins.ocr.geometry.Pt;
import dev.genloom.plugins.ocr.geometry.RotatedRect;
import dev.genloom.plugins.ocr.geometry.Unclip;

import java.util.ArrayList;
import java.util.List;

/**
 * DB (differentiable binarisation) post-processing, as PaddleOCR's {@code DBPostProcess} does it:
 * the probability map is thresholded; each region's outer contour gives its rectangle of least
 * area; rectangles whose short side is under {@code minSize} or whose mean probability (inside the
 * rectangle) is under {@code boxThreshold} are dropped; the rest are grown by the unclip ratio,
 * boxed again, dropped where the short side is under {@code minSize + 2}, and scaled to the
 * original image's pixels. Boxes of 3 pixels or less across in the image are dropped last.
 */
public final class DbPostprocess {
    /** The most regions looked at (PaddleOCR's {@code max_candidates}). */
    static final int MAX_CANDIDATES = 1000;
    /** Boxes this narrow or low in the image's pixels are dropped (PaddleOCR's {@code filter_tag_det_res}). */
    static final double MIN_SIDE_IN_IMAGE = 3;

    private final double threshold;
    private final double boxThreshold;
    private final double unclipRatio;
    private final double minSize;
    private final boolean dilate;

    /**
     * @param threshold    the probability at which a pixel counts as text (0.3)
     * @param boxThreshold the least mean probability of a box (0.6)
     * @param unclipRatio  how much a box is grown (1.5)
     * @param minSize      the least short side of a box in the map's pixels (3)
     * @param dilate       whether the thresholded map is dilated with a 2 x 2 square first
     *                     (PaddleOCR's {@code use_dilation}): a pixel is set where it, its left, upper
     *                     or upper-left neighbour is
     */
    public DbPostprocess(double threshold, double boxThreshold, double unclipRatio, double minSize, boolean dilate) {
        this.threshold = threshold;
        this.boxThreshold = boxThreshold;
        this.unclipRatio = unclipRatio;
        this.minSize = minSize;
        this.dilate = dilate;
    }

    /**
     * The text boxes of one probability map, in the order their regions are met in raster order.
     *
     * @param probabilities the map, {@code input.height() x input.width()}, row by row
     * @param input         the detector input the map is for (its size and the image's)
     */
    public List<DetectedBox> boxes(float[] probabilities, DetectionInput input) {
        int w = input.width();
        int h = input.height();
        boolean[] mask = new boolean[w * h];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = probabilities[i] > threshold;
        }
        if (dilate) {
            mask = dilated(mask, w, h);
        }
        double sx = (double) input.originalWidth() / w;
        double sy = (double) input.originalHeight() / h;
        List<DetectedBox> out = new ArrayList<>();
        for (int[] contour : Contours.outer(mask, w, h, MAX_CANDIDATES)) {
            RotatedRect rect = MinAreaRect.of(Contours.points(contour));
            if (rect.shortSide() < minSize) {
                continue;
            }
            List<Pt> box = rect.ordered();
            double score = meanInside(probabilities, w, h, box);
            if (score < boxThreshold) {
                continue;
            }
            RotatedRect grown = Unclip.box(box, unclipRatio);
            if (grown.shortSide() < minSize + 2) {
                continue;
            }
            List<Pt> quad = new ArrayList<>(4);
            for (Pt p : grown.ordered()) {
                quad.add(new Pt(clamp(p.x() * sx, input.originalWidth()), clamp(p.y() * sy, input.originalHeight())));
            }
            double width = quad.get(0).distance(quad.get(1));
            double height = quad.get(0).distance(quad.get(3));
            if (width <= MIN_SIDE_IN_IMAGE || height <= MIN_SIDE_IN_IMAGE) {
                continue;
            }
            out.add(new DetectedBox(quad, score));
        }
        return out;
    }

    /** The mask dilated with a 2 x 2 square anchored at its lower right (OpenCV's anchor for it). */
    static boolean[] dilated(boolean[] mask, int w, int h) {
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                out[i] = mask[i] || (x > 0 && mask[i - 1]) || (y > 0 && mask[i - w]) || (x > 0 && y > 0 && mask[i - w - 1]);
            }
        }
        return out;
    }

    private static double clamp(double v, int size) {
        return Math.max(0, Math.min(size, v));
    }

    /**
     * The mean of the map over the pixels whose centres lie inside the box (or on its outline), as
     * PaddleOCR's fast box score fills the box's polygon in a mask and averages under it.
     */
    static double meanInside(float[] map, int w, int h, List<Pt> box) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Pt p : box) {
            minX = Math.min(minX, p.x());
            maxX = Math.max(maxX, p.x());
            minY = Math.min(minY, p.y());
            maxY = Math.max(maxY, p.y());
        }
        int x0 = Math.max(0, Math.min(w - 1, (int) Math.floor(minX)));
        int x1 = Math.max(0, Math.min(w - 1, (int) Math.ceil(maxX)));
        int y0 = Math.max(0, Math.min(h - 1, (int) Math.floor(minY)));
        int y1 = Math.max(0, Math.min(h - 1, (int) Math.ceil(maxY)));
        double sum = 0;
        int count = 0;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (Polygons.insideConvex(box, x, y, 0.5)) {
                    sum += map[y * w + x];
                    count++;
                }
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
