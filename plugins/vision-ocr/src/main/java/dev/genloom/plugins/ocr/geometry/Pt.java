package dev.genloom.plugins.ocr.geometry;

/** A point (or a vector) in pixel coordinates: x to the right, y down. */
public record Pt(double x, double y) {

    /** This point plus {@code o}. */
    public Pt plus(Pt o) {
        return new Pt(x + o.x, y + o.y);
    }

    /** This point minus {@code o}. */
    public Pt minus(Pt o) {
        return new Pt(x - o.x, y - o.y);
    }

    /** This vector times {@code k}. */
    public Pt times(double k) {
        return new Pt(x * k, y * k);
    }

    /** The dot product. */
    public double dot(Pt o) {
        return x * o.x + y * o.y;
    }

    /** The z of the cross product: positive where {@code o} turns clockwise from this one on screen. */
    public double cross(Pt o) {
        return x * o.y - y * o.x;
    }

    /** The length of this vector. */
    public double length() {
        return Math.hypot(x, y);
    }

    /** The distance to {@code o}. */
    public double distance(Pt o) {
        return Math.hypot(x - o.x, y - o.y);
    }
}
