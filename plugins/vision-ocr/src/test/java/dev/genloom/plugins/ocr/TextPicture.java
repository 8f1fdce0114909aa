package dev.genloom.plugins.ocr;

import dev.genloom.api.media.Image;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A picture of text the test draws with Java 2D, and where each line's ink lies (measured from the
 * pixels of the line drawn alone).
 */
final class TextPicture {
    /** One line to draw: its text, font, baseline start and angle (degrees, clockwise on screen). */
    record Line(String text, Font font, double x, double y, double degrees) {
        Line(String text, Font font, double x, double y) {
            this(text, font, x, y, 0);
        }
    }

    /** The bounds of a line's ink: left, top, right, bottom (exclusive), in pixels. */
    record Ink(int left, int top, int right, int bottom) {
        double area() {
            return (double) (right - left) * (bottom - top);
        }

        double centreX() {
            return (left + right) / 2.0;
        }

        double centreY() {
            return (top + bottom) / 2.0;
        }
    }

    final int width;
    final int height;
    final Color ink;
    final Color paper;
    final List<Line> lines = new ArrayList<>();

    TextPicture(int width, int height, Color ink, Color paper) {
        this.width = width;
        this.height = height;
        this.ink = ink;
        this.paper = paper;
    }

    TextPicture add(Line line) {
        lines.add(line);
        return this;
    }

    TextPicture add(String text, Font font, double x, double y) {
        return add(new Line(text, font, x, y));
    }

    private BufferedImage draw(List<Line> which) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setColor(paper);
        g.fillRect(0, 0, width, height);
        g.setColor(ink);
        for (Line l : which) {
            AffineTransform saved = g.getTransform();
            g.rotate(Math.toRadians(l.degrees()), l.x(), l.y());
            g.setFont(l.font());
            g.drawString(l.text(), (float) l.x(), (float) l.y());
            g.setTransform(saved);
        }
        g.dispose();
        return img;
    }

    /** The picture. */
    Image image() {
        return Image.fromBufferedImage(draw(lines));
    }

    /** The picture turned by 180 degrees. */
    Image turned() {
        BufferedImage img = draw(lines);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out.setRGB(width - 1 - x, height - 1 - y, img.getRGB(x, y));
            }
        }
        return Image.fromBufferedImage(out);
    }

    /** Where line {@code i}'s ink lies: the pixels that differ from the paper when it is drawn alone. */
    Ink ink(int i) {
        BufferedImage img = draw(List.of(lines.get(i)));
        int paperRgb = paper.getRGB() & 0xffffff;
        int l = width;
        int t = height;
        int r = -1;
        int b = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if ((img.getRGB(x, y) & 0xffffff) != paperRgb) {
                    l = Math.min(l, x);
                    t = Math.min(t, y);
                    r = Math.max(r, x);
                    b = Math.max(b, y);
                }
            }
        }
        return new Ink(l, t, r + 1, b + 1);
    }

    /** The pixels of line {@code i}'s ink, as {@code x, y} pairs: those that differ from the paper when it is drawn alone. */
    int[] inkPixels(int i) {
        BufferedImage img = draw(List.of(lines.get(i)));
        int paperRgb = paper.getRGB() & 0xffffff;
        List<Integer> xy = new ArrayList<>();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if ((img.getRGB(x, y) & 0xffffff) != paperRgb) {
                    xy.add(x);
                    xy.add(y);
                }
            }
        }
        return xy.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The texts, one line each, in the order drawn. */
    String text() {
        return String.join("\n", lines.stream().map(Line::text).toList());
    }
}
