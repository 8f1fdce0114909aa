package dev.genloom.plugins.ocr;

import dev.genloom.api.TextRegion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts text regions in reading order: lines from top to bottom, and the regions of a line from left
 * to right. A region is on a line where its vertical centre is within {@code tolerance} times the
 * smaller of its height and the line's height from the line's centre.
 */
final class ReadingOrder {
    private final double tolerance;

    ReadingOrder(double tolerance) {
        this.tolerance = tolerance;
    }

    /** The regions grouped into lines, lines top to bottom, each line left to right. */
    List<List<TextRegion>> lines(List<TextRegion> regions) {
        List<TextRegion> byTop = new ArrayList<>(regions);
        byTop.sort(Comparator.comparingDouble(ReadingOrder::centreY).thenComparingDouble(r -> r.bounds()[0]));
        List<List<TextRegion>> lines = new ArrayList<>();
        List<double[]> extents = new ArrayList<>(); // centre and height of each line
        for (TextRegion r : byTop) {
            double c = centreY(r);
            double h = height(r);
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int i = 0; i < lines.size(); i++) {
                double d = Math.abs(extents.get(i)[0] - c);
                if (d <= tolerance * Math.min(h, extents.get(i)[1]) && d < bestDistance) {
                    best = i;
                    bestDistance = d;
                }
            }
            if (best < 0) {
                lines.add(new ArrayList<>(List.of(r)));
                extents.add(new double[] {c, h});
            } else {
                List<TextRegion> line = lines.get(best);
                line.add(r);
                double[] e = extents.get(best);
                e[0] = (e[0] * (line.size() - 1) + c) / line.size();
                e[1] = Math.max(e[1], h);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            order.add(i);
            lines.get(i).sort(Comparator.comparingDouble(r -> r.bounds()[0]));
        }
        order.sort(Comparator.comparingDouble(i -> extents.get(i)[0]));
        List<List<TextRegion>> out = new ArrayList<>();
        for (int i : order) {
            out.add(List.copyOf(lines.get(i)));
        }
        return out;
    }

    /** The lines' texts, the regions of a line separated by a space, one line a row. */
    static String text(List<List<TextRegion>> lines) {
        List<String> rows = new ArrayList<>();
        for (List<TextRegion> line : lines) {
            rows.add(String.join(" ", line.stream().map(TextRegion::text).toList()));
        }
        return String.join("\n", rows);
    }

    private static double centreY(TextRegion r) {
        double[] b = r.bounds();
        return (b[1] + b[3]) / 2;
    }

    /** The height of the region across its text: the mean of its left and right sides. */
    private static double height(TextRegion r) {
        List<TextRegion.Point> q = r.quad();
        double left = Math.hypot(q.get(3).x() - q.get(0).x(), q.get(3).y() - q.get(0).y());
        double right = Math.hypot(q.get(2).x() - q.get(1).x(), q.get(2).y() - q.get(1).y());
        return (left + right) / 2;
    }
}
