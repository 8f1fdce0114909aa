package dev.genloom.cli.bench;

import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Optical character recognition speed on an A4-like page the harness draws (A4 at 150 dpi,
 * 1240 x 1754 pixels, lines of serif text 13 pt high): milliseconds per page and lines read per
 * second through the framework, the median of several runs after a warm-up, and the character
 * error rate of what was read against what was drawn (a check that the figures are for real
 * reading).
 */
public final class OcrBench {
    /** A4 at 150 dpi. */
    static final int WIDTH = 1240;
    static final int HEIGHT = 1754;
    private static final String[] WORDS = ("the of and a to in is was that for on with as it by at from this be are "
            + "model page line text read each word number table figure value result first second third small large "
            + "quick brown fox river stone market winter garden letter window station morning evening 2024 17 349.50 "
            + "report summary chapter section").split(" ");

    private OcrBench() {
    }

    /** Figures of one benchmark (medians over the runs). */
    public record Result(int width, int height, int linesDrawn, int regionsRead, double millisPerPage,
                         double characterErrorRate) {
        /** Regions (lines) read per second. */
        public double linesPerSecond() {
            return millisPerPage == 0 ? 0 : regionsRead * 1000 / millisPerPage;
        }
    }

    /** The page: {@code lines} lines of words drawn from a fixed list, and its text. */
    static Object[] page(int lines) {
        SplittableRandom random = new SplittableRandom(2024);
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SERIF, Font.PLAIN, 27));
        List<String> text = new ArrayList<>();
        double pitch = (HEIGHT - 200.0) / lines;
        for (int i = 0; i < lines; i++) {
            StringBuilder line = new StringBuilder();
            while (true) {
                String w = WORDS[random.nextInt(WORDS.length)];
                String next = line.isEmpty() ? w : line + " " + w;
                if (g.getFontMetrics().stringWidth(next) > WIDTH - 200) {
                    break;
                }
                line.setLength(0);
                line.append(next);
            }
            text.add(line.toString());
            g.drawString(line.toString(), 100, (float) (130 + i * pitch));
        }
        g.dispose();
        return new Object[] {Image.fromBufferedImage(img), String.join("\n", text)};
    }

    /** Reads the page once to warm up, then {@code repeats} times. */
    public static Result measure(Genloom genloom, String model, int lines, int repeats) {
        Object[] page = page(lines);
        Image image = (Image) page[0];
        String drawn = (String) page[1];
        ImageToText ocr = genloom.model(model, ImageToText.class);
        ImageText t = ocr.describe(image);
        double[] ms = new double[Math.max(1, repeats)];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            t = ocr.describe(image);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return new Result(WIDTH, HEIGHT, lines, t.regions().size(), ms[ms.length / 2],
                errorRate(drawn.replace('\n', ' '), t.text().replace('\n', ' ')));
    }

    /** The Levenshtein distance over the reference's length. */
    static double errorRate(String reference, String read) {
        int[] prev = new int[read.length() + 1];
        int[] cur = new int[read.length() + 1];
        for (int j = 0; j <= read.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= reference.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= read.length(); j++) {
                int cost = reference.charAt(i - 1) == read.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return (double) prev[read.length()] / Math.max(1, reference.length());
    }
}
