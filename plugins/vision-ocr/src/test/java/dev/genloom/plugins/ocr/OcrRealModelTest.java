package dev.genloom.plugins.ocr;

import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.TextRegion;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real PP-OCRv4 models of {@code GENLOOM_TEST_MODELS/paddleocr-v4}, loaded by the host as the
 * {@code ocr} family, on pictures the test draws with Java 2D: the text read (its character error
 * rate against what was drawn, at most 5 %) and the regions (each drawn line's ink inside one
 * region, which is not much larger than the ink).
 */
class OcrRealModelTest {
    static final double MAX_CER = 0.05;

    static Genloom genloom;
    static ImageToText ocr;

    @BeforeAll
    static void open() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the tests against the real PP-OCRv4 models");
        Path folder = Path.of(dir, "paddleocr-v4");
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping the real PP-OCRv4 tests");
        genloom = Genloom.builder().environment(Map.of()).device("cpu").build();
        ocr = genloom.model(folder.toString(), ImageToText.class, "ocr");
    }

    @AfterAll
    static void close() {
        if (genloom != null) {
            genloom.close();
        }
    }

    static Font sans(int size) {
        return new Font(Font.SANS_SERIF, Font.PLAIN, size);
    }

    /** Reads the picture, prints what it read, and checks the character error rate. */
    static ImageText read(String what, TextPicture p, Image image) {
        ImageText t = ocr.describe(image);
        double cer = Cer.rate(p.text(), t.text());
        System.out.printf(Locale.ROOT, "[ocr] %s: CER %.4f, %d regions%n%s%n", what, cer, t.regions().size(), t.text());
        assertTrue(cer <= MAX_CER, what + ": character error rate " + cer + " over " + MAX_CER + "; read:\n"
                + t.text() + "\ndrawn:\n" + p.text());
        return t;
    }

    /** Whether (x, y) lies inside the quadrilateral (either turning direction), by the signs of the edge crosses. */
    static boolean inside(List<TextRegion.Point> q, double x, double y) {
        int positive = 0;
        int negative = 0;
        for (int i = 0; i < 4; i++) {
            TextRegion.Point a = q.get(i);
            TextRegion.Point b = q.get((i + 1) % 4);
            double c = (b.x() - a.x()) * (y - a.y()) - (b.y() - a.y()) * (x - a.x());
            positive += c > 0 ? 1 : 0;
            negative += c < 0 ? 1 : 0;
        }
        return positive == 0 || negative == 0;
    }

    static double area(List<TextRegion.Point> q) {
        double twice = 0;
        for (int i = 0; i < 4; i++) {
            twice += q.get(i).x() * q.get((i + 1) % 4).y() - q.get((i + 1) % 4).x() * q.get(i).y();
        }
        return Math.abs(twice) / 2;
    }

    /**
     * Every drawn line has one region holding at least 97 % of its ink (pixel centres), at most
     * three times the area of the ink's bounding box, and reading the line's text (CER at most 5 %).
     */
    static void boxesAroundLines(TextPicture p, ImageText t, boolean turned) {
        for (int i = 0; i < p.lines.size(); i++) {
            int[] ink = p.inkPixels(i);
            TextPicture.Ink bounds = p.ink(i);
            TextRegion best = null;
            double bestShare = 0;
            for (TextRegion r : t.regions()) {
                int in = 0;
                for (int k = 0; k < ink.length; k += 2) {
                    double x = ink[k] + 0.5;
                    double y = ink[k + 1] + 0.5;
                    if (turned) {
                        x = p.width - x;
                        y = p.height - y;
                    }
                    in += inside(r.quad(), x, y) ? 1 : 0;
                }
                double share = in / (ink.length / 2.0);
                if (share > bestShare) {
                    bestShare = share;
                    best = r;
                }
            }
            String line = p.lines.get(i).text();
            assertTrue(best != null && bestShare >= 0.97, "line '" + line + "': at most " + bestShare
                    + " of its ink lies in one region; regions " + t.regions());
            assertTrue(area(best.quad()) <= 3 * bounds.area(), "line '" + line + "': its region " + best
                    + " is over 3 times the area of its ink " + bounds);
            assertTrue(Cer.rate(line, best.text()) <= MAX_CER, "line '" + line + "' read as '" + best.text() + "'");
            assertTrue(best.confidence() > 0.5 && best.confidence() <= 1, "confidence " + best.confidence());
        }
    }

    static TextPicture threeFonts() {
        return new TextPicture(900, 300, Color.BLACK, Color.WHITE)
                .add("The quick brown fox jumps over the lazy dog.", sans(28), 30, 60)
                .add("Invoice 2024-117: total 349.50 EUR", new Font(Font.SERIF, Font.PLAIN, 34), 30, 140)
                .add("Monospaced text reads well", new Font(Font.MONOSPACED, Font.BOLD, 22), 30, 220);
    }

    @Test
    void darkOnLightInSeveralFontsAndSizes() {
        TextPicture p = threeFonts();
        ImageText t = read("dark on light", p, p.image());
        assertEquals(3, t.text().lines().count(), "one row per line drawn:\n" + t.text());
        boxesAroundLines(p, t, false);
    }

    @Test
    void lightOnDark() {
        TextPicture p = new TextPicture(800, 260, new Color(250, 250, 240), new Color(20, 30, 70))
                .add("Light letters on a dark ground", new Font(Font.SANS_SERIF, Font.BOLD, 40), 40, 90)
                .add("and a smaller line below it, 18 px", new Font(Font.SERIF, Font.ITALIC, 20), 40, 180);
        ImageText t = read("light on dark", p, p.image());
        boxesAroundLines(p, t, false);
    }

    @Test
    void smallAndLargeTextOnAPictureOverTheSideLimit() {
        // 1800 pixels wide: shrunk to 960 for the detector, read from the full-size crops
        TextPicture p = new TextPicture(1800, 500, Color.BLACK, Color.WHITE)
                .add("Fine print at fourteen pixels, still legible", sans(14), 40, 60)
                .add("A LARGE HEADLINE", new Font(Font.SANS_SERIF, Font.BOLD, 96), 40, 250)
                .add("and a caption at twenty pixels", new Font(Font.SERIF, Font.PLAIN, 20), 40, 400);
        ImageText t = read("small and large", p, p.image());
        boxesAroundLines(p, t, false);
    }

    @Test
    void aSlightlyRotatedLine() {
        TextPicture p = new TextPicture(900, 360, Color.DARK_GRAY, new Color(245, 240, 225))
                .add(new TextPicture.Line("This line is turned by seven degrees", sans(30), 60, 120, 7))
                .add("and this one is level", sans(30), 60, 300);
        ImageText t = read("rotated line", p, p.image());
        boxesAroundLines(p, t, false);
        TextRegion turned = t.regions().get(0);
        double angle = Math.toDegrees(Math.atan2(turned.quad().get(1).y() - turned.quad().get(0).y(),
                turned.quad().get(1).x() - turned.quad().get(0).x()));
        assertEquals(7, angle, 1.5, "the region of the turned line runs along it: " + turned);
    }

    @Test
    void aLineTurnedByAQuarterIsReadAlongItsLength() {
        TextPicture p = new TextPicture(500, 700, Color.BLACK, Color.WHITE)
                .add(new TextPicture.Line("Written from top to bottom", sans(30), 400, 60, 90))
                .add("Level", sans(30), 40, 100);
        ImageText t = ocr.describe(p.image());
        System.out.printf(Locale.ROOT, "[ocr] quarter turn: %s%n", t.regions());
        boxesAroundLines(p, t, false);
        TextRegion vertical = t.regions().stream().filter(r -> r.text().startsWith("Written")).findFirst().orElseThrow();
        // the text's own top-left corner is the box's top-right: reading runs down the picture
        TextRegion.Point first = vertical.quad().get(0);
        double[] b = vertical.bounds();
        assertTrue(first.x() > (b[0] + b[2]) / 2 && first.y() < (b[1] + b[3]) / 2, vertical.toString());
    }

    @Test
    void twoColumnsReadRowByRow() {
        Font f = new Font(Font.SERIF, Font.PLAIN, 26);
        TextPicture p = new TextPicture(1100, 300, Color.BLACK, Color.WHITE)
                .add("Left column, first row", f, 40, 70)
                .add("Right column, first row", f, 620, 70)
                .add("Left column, second row", f, 40, 150)
                .add("Right column, second row", f, 620, 150)
                .add("Left column, third row", f, 40, 230)
                .add("Right column, third row", f, 620, 230);
        ImageText t = ocr.describe(p.image());
        String expected = "Left column, first row Right column, first row\n"
                + "Left column, second row Right column, second row\n"
                + "Left column, third row Right column, third row";
        double cer = Cer.rate(expected, t.text());
        System.out.printf(Locale.ROOT, "[ocr] two columns: CER %.4f%n%s%n", cer, t.text());
        assertTrue(cer <= MAX_CER, "read:\n" + t.text());
        assertEquals(3, t.text().lines().count(), "three rows, each left then right:\n" + t.text());
        boxesAroundLines(p, t, false);
        for (int row = 0; row < 3; row++) {
            double[] left = t.regions().get(2 * row).bounds();
            double[] right = t.regions().get(2 * row + 1).bounds();
            assertTrue(left[2] < right[0], "row " + row + ": the left region comes first: " + t.regions());
        }
    }

    @Test
    void anUpsideDownPictureIsTurnedRound() {
        TextPicture p = threeFonts();
        ImageText t = read("turned by 180 degrees", p, p.turned());
        assertEquals(3, t.text().lines().count(), t.text());
        boxesAroundLines(p, t, true);
        for (TextRegion r : t.regions()) {
            assertTrue(r.quad().get(1).x() < r.quad().get(0).x(),
                    "the quadrilateral starts at the text's own top-left, the picture's bottom-right: " + r);
        }
    }

    @Test
    void aBlankPictureHasNoText() {
        ImageText t = ocr.describe(new TextPicture(400, 200, Color.BLACK, Color.WHITE).image());
        assertEquals("", t.text());
        assertEquals(List.of(), t.regions());
    }
}
