package dev.genloom.plugins.diffusion.codec;

import dev.genloom.api.ImageToImage;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.session.OrtSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real TAEF2 tiny autoencoder of {@code GENLOOM_TEST_MODELS/taef2} (32 latent channels, x8):
 * the round trip of the landscape photo at 256 x 256 reaches at least 18 dB PSNR (about 20), through
 * the host's {@code autoencoder} family and through {@link TinyAutoencoder}; the latents and the
 * decoded picture have the shapes the graphs declare; a picture of sides that are no multiple of 8
 * comes back at its size.
 */
class Taef2RealWeightsTest {
    static final double MIN_PSNR = 18;
    static Path folder;
    static Genloom host;
    static Image picture;

    @BeforeAll
    static void open() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the tests against the real TAEF2 weights");
        folder = Path.of(dir, "taef2");
        Assumptions.assumeTrue(Files.isDirectory(folder), "no " + folder + ": skipping the TAEF2 tests");
        host = Genloom.builder().environment(Map.of()).device("cpu").threads(2).build();
        picture = resize(Image.read(folder.resolve("landscape.jpg")), 256, 256);
    }

    @AfterAll
    static void close() {
        if (host != null) {
            host.close();
        }
    }

    /** Resized with Java 2D's bilinear interpolation. */
    static Image resize(Image image, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image.toBufferedImage(), 0, 0, w, h, null);
        g.dispose();
        return Image.fromBufferedImage(out);
    }

    static double psnr(Image a, Image b) {
        byte[] x = a.rgb();
        byte[] y = b.rgb();
        assertEquals(x.length, y.length);
        double se = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (x[i] & 0xff) - (y[i] & 0xff);
            se += d * d;
        }
        return 10 * Math.log10(255.0 * 255.0 / (se / x.length));
    }

    @Test
    void theRoundTripOfTheLandscapeReachesEighteenDecibels() {
        assertEquals("autoencoder", host.resolve(folder.toString(), null).family().name());
        ImageToImage model = host.model(folder.toString(), ImageToImage.class);
        Image round = model.transformImage(picture);
        assertEquals(256, round.width());
        assertEquals(256, round.height());
        double db = psnr(picture, round);
        System.out.printf(Locale.ROOT, "[taef2] 256x256 landscape round trip: %.2f dB%n", db);
        assertTrue(db >= MIN_PSNR, db + " dB");
    }

    @Test
    void encodeAndDecodeHaveTheShapesOfTheGraphs() {
        try (OrtSessions sessions = OrtSessions.create(OrtSessions.Settings.of("cpu", 2, 1, "all", "fp32"));
             TinyAutoencoder codec = TinyAutoencoder.open(sessions, folder)) {
            assertEquals(32, codec.channels());
            assertEquals(8, codec.factor());
            float[] latents = codec.encode(picture);
            assertEquals(32 * 32 * 32, latents.length);
            Image decoded = codec.decode(latents, 32, 32, 32);
            assertEquals(256, decoded.width());
            assertEquals(256, decoded.height());
            assertTrue(psnr(picture, decoded) >= MIN_PSNR);

            Image odd = resize(picture, 100, 70);
            assertArrayEquals(new int[] {32, 9, 13}, codec.latentShape(100, 70));
            assertEquals(32 * 9 * 13, codec.encode(odd).length);
            Image back = codec.roundTrip(odd);
            assertEquals(100, back.width());
            assertEquals(70, back.height());
            double db = psnr(odd, back);
            System.out.printf(Locale.ROOT, "[taef2] 100x70 round trip (padded to 104x72): %.2f dB%n", db);
            assertTrue(db >= 15, db + " dB");
        }
    }
}
