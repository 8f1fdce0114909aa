package dev.genloom.plugins.ocr.geometry;

import java.util.List;

/**
 * A perspective transform of the plane, from four point correspondences: maps (u, v) to
 * {@code ((h0 u + h1 v + h2) / w, (h3 u + h4 v + h5) / w)} with {@code w = h6 u + h7 v + 1}.
 */
public final class Homography {
    private final double[] h;

    private Homography(double[] h) {
        this.h = h;
    }

    /**
     * The transform taking each of the four points {@code from} to the point of {@code to} at the
     * same index.
     *
     * @throws IllegalArgumentException where three of the points lie on a line (no transform)
     */
    public static Homography mapping(List<Pt> from, List<Pt> to) {
        if (from.size() != 4 || to.size() != 4) {
            throw new IllegalArgumentException("a homography needs 4 point pairs");
        }
        double[][] a = new double[8][9];
        for (int i = 0; i < 4; i++) {
            double u = from.get(i).x();
            double v = from.get(i).y();
            double x = to.get(i).x();
            double y = to.get(i).y();
            a[2 * i] = new double[] {u, v, 1, 0, 0, 0, -u * x, -v * x, x};
            a[2 * i + 1] = new double[] {0, 0, 0, u, v, 1, -u * y, -v * y, y};
        }
        return new Homography(solve(a));
    }

    /** Gaussian elimination with partial pivoting of an 8 x 9 augmented system. */
    private static double[] solve(double[][] a) {
        int n = 8;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-12) {
                throw new IllegalArgumentException("the points do not determine a perspective transform");
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    if (f != 0) {
                        for (int c = col; c <= n; c++) {
                            a[r][c] -= f * a[col][c];
                        }
                    }
                }
            }
        }
        double[] h = new double[8];
        for (int i = 0; i < n; i++) {
            h[i] = a[i][n] / a[i][i];
        }
        return h;
    }

    /** Where (u, v) goes, written into {@code out[0], out[1]}. */
    public void apply(double u, double v, double[] out) {
        double w = h[6] * u + h[7] * v + 1;
        out[0] = (h[0] * u + h[1] * v + h[2]) / w;
        out[1] = (h[3] * u + h[4] * v + h[5]) / w;
    }

    /** Where a point goes. */
    public Pt apply(Pt p) {
        double[] out = new double[2];
        apply(p.x(), p.y(), out);
        return new Pt(out[0], out[1]);
    }
}
