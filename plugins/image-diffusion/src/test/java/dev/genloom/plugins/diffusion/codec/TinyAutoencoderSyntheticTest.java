package dev.genloom.plugins.diffusion.codec;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.session.OrtSessions;
import dev.genloom.plugins.diffusion.image.PixelRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny autoencoder and the {@code autoencoder} family on a block-mean codec ({@link TinyGraphs}):
 * the latents are the 8 x 8 block means of the picture padded by its edge, the round trip is those
 * means repeated and cropped back, both computed here; the layouts refused say what is wrong.
 */
class TinyAutoencoderSyntheticTest {
    static final OrtSessions SESSIONS = OrtSessions.create(OrtSessions.Settings.of("cpu", 1, 1, "all", "fp32"));
    @TempDir
    static Path dir;
    static Path folder;
    static Genloom host;

    @BeforeAll
    static void open() throws Exception {
        folder = Files.createDirectories(dir.resolve("block-codec"));
        TinyGraphs.encoder(folder.resolve("blocks_encoder.onnx"));
        TinyGraphs.decoder(folder.resolve("blocks_decoder.onnx"));
        host = Genloom.builder().environment(Map.of()).device("cpu").threads(1).build();
    }

    @AfterAll
    static void close() {
        host.close();
    }

    static Image noise(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new Image(w, h, rgb);
    }

    /** The block means of the picture with its right and bottom edges replicated to multiples of 8, CHW. */
    static float[] blockMeans(Image p) {
        int lw = (p.width() + 7) / 8;
        int lh = (p.height() + 7) / 8;
        float[] out = new float[3 * lw * lh];
        for (int c = 0; c < 3; c++) {
            for (int by = 0; by < lh; by++) {
                for (int bx = 0; bx < lw; bx++) {
                    double sum = 0;
                    for (int y = by * 8; y < by * 8 + 8; y++) {
                        for (int x = bx * 8; x < bx * 8 + 8; x++) {
                            int rgb = p.rgbAt(Math.min(x, p.width() - 1), Math.min(y, p.height() - 1));
                            sum += (rgb >> (16 - 8 * c) & 0xff) / 255.0;
                        }
                    }
                    out[(c * lh + by) * lw + bx] = (float) (sum / 64);
                }
            }
        }
        return out;
    }

    @Test
    void latentsAreBlockMeansOfThePaddedPictureAndTheRoundTripRepeatsThem() {
        Image picture = noise(20, 12, 3);
        try (TinyAutoencoder codec = TinyAutoencoder.open(SESSIONS, folder)) {
            assertEquals(3, codec.channels());
            assertEquals(8, codec.factor(), "found by the probe: the shapes are dynamic");
            assertArrayEquals(new int[] {3, 2, 3}, codec.latentShape(20, 12));
            float[] latents = codec.encode(picture);
            assertArrayEquals(blockMeans(picture), latents, 1e-5f);

            Image decoded = codec.decode(latents, 3, 2, 3);
            assertEquals(24, decoded.width());
            assertEquals(16, decoded.height());
            Image round = codec.roundTrip(picture);
            assertEquals(20, round.width());
            assertEquals(12, round.height());
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 20; x++) {
                    for (int c = 0; c < 3; c++) {
                        int expected = (int) Math.round(latents[(c * 2 + y / 8) * 3 + x / 8] * 255.0);
                        int got = round.rgbAt(x, y) >> (16 - 8 * c) & 0xff;
                        assertEquals(expected, got, "(" + x + ", " + y + ") channel " + c);
                    }
                }
            }
            assertEquals(round, ((ImageToImage) host.model(folder.toString(), ImageToImage.class)).transformImage(picture));
            assertEquals("autoencoder", host.resolve(folder.toString(), null).family().name());

            GenloomException wrong = assertThrows(GenloomException.class, () -> codec.decode(latents, 4, 2, 3));
            assertEquals(ErrorKind.INVALID_INPUT, wrong.kind());
            assertThrows(GenloomException.class, () -> codec.decode(latents, 3, 3, 3));
        }
    }

    @Test
    void aDecoderAloneDecodesButCannotEncode() throws Exception {
        Path only = Files.createDirectories(dir.resolve("decoder-only"));
        TinyGraphs.decoder(only.resolve("taesd_decoder.onnx"));
        try (TinyAutoencoder codec = TinyAutoencoder.open(SESSIONS, only)) {
            assertFalse(codec.canEncode());
            Image image = codec.decode(new float[3 * 2 * 2], 3, 2, 2);
            assertEquals(16, image.width());
            assertEquals(0, image.rgbAt(15, 15));
            GenloomException e = assertThrows(GenloomException.class, () -> codec.encode(noise(8, 8, 1)));
            assertEquals(ErrorKind.UNSUPPORTED, e.kind());
            assertTrue(e.hint().contains("taesd_encoder.onnx"), e.hint());
        }
    }

    @Test
    void badLayoutsAreRefused() throws Exception {
        Path two = Files.createDirectories(dir.resolve("two-codecs"));
        TinyGraphs.decoder(two.resolve("taesd_decoder.onnx"));
        TinyGraphs.decoder(two.resolve("taesdxl_decoder.onnx"));
        GenloomException several = assertThrows(GenloomException.class, () -> TinyAutoencoder.open(SESSIONS, two));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, several.kind());
        assertTrue(several.getMessage().contains("taesd") && several.getMessage().contains("taesdxl"),
                several.getMessage());
        try (TinyAutoencoder picked = TinyAutoencoder.open(SESSIONS, two, "taesdxl", PixelRange.UNIT)) {
            assertTrue(picked.decoderFile().endsWith("taesdxl_decoder.onnx"));
        }

        Path none = Files.createDirectories(dir.resolve("no-codec"));
        GenloomException missing = assertThrows(GenloomException.class, () -> TinyAutoencoder.open(SESSIONS, none));
        assertTrue(missing.getMessage().contains("no *_decoder.onnx in " + none), missing.getMessage());
        assertThrows(GenloomException.class, () -> TinyAutoencoder.open(SESSIONS, dir.resolve("not-there")));

        Path bad = Files.createDirectories(dir.resolve("bad-encoder"));
        Path file = TinyGraphs.twoInputs(bad.resolve("x_encoder.onnx"));
        TinyGraphs.decoder(bad.resolve("x_decoder.onnx"));
        GenloomException signature = assertThrows(GenloomException.class, () -> TinyAutoencoder.open(SESSIONS, bad));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, signature.kind());
        assertTrue(signature.getMessage().contains(file.toString()) && signature.getMessage().contains("noise"),
                signature.getMessage());
    }
}
