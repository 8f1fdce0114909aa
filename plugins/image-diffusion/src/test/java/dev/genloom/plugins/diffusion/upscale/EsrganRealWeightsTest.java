package dev.genloom.plugins.diffusion.upscale;

import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real ESRGAN-slim x2 and x4 weights of {@code GENLOOM_TEST_MODELS} (RDN, UpscalerJS's
 * conversion: {@code LR} → {@code SR}, RGB 0..255, no {@code config.json}), loaded by the host as
 * the {@code upscaler} family from the folder alone: the output is {@code scale} times the input,
 * and equals a bare ONNX Runtime run of the same file on the whole picture (PSNR at least 40 dB)
 * both untiled and in small tiles with several feathered seams. The scale is read from the graph
 * and the range from the file's metadata.
 */
class EsrganRealWeightsTest {
    static final double MIN_PSNR = 40;
    static Path models;
    static Genloom host;
    static Image fixture;
    static Image landscapeCrop;

    @BeforeAll
    static void open() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the tests against the real ESRGAN-slim weights");
        models = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(models.resolve("esrgan-slim-x2")), "no esrgan-slim-x2 in " + models);
        host = Genloom.builder().environment(Map.of()).device("cpu").threads(2).build();
        fixture = Image.read(models.resolve("esrgan-slim-x2/fixture.png"));
        landscapeCrop = Reference.crop(Image.read(models.resolve("taef2/landscape.jpg")), 700, 400, 90, 70);
    }

    @AfterAll
    static void close() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aSingleOnnxFileThatTakesNoPictureIsNotClaimed() {
        Path vad = models.resolve("silero-vad");
        Assumptions.assumeTrue(Files.isDirectory(vad), "no " + vad);
        GenloomException e = assertThrows(GenloomException.class, () -> host.resolve(vad.toString(), null));
        assertTrue(e.getMessage().contains("no installed plugin recognises"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void theOutputIsTheBareRunOfTheFileUntiledAndTiled(int scale) throws Exception {
        Path folder = models.resolve("esrgan-slim-x" + scale);
        assertEquals("upscaler", host.resolve(folder.toString(), null).family().name(),
                "recognised without config.json");
        try (Upscaler u = Direct.open(folder, Map.of())) {
            assertEquals(scale, u.scale());
            assertEquals("0..255", u.inputRange().toString());
            assertTrue(u.describe().contains("metadata input_range \"0..255 RGB NCHW\""), u.describe());
        }
        ImageToImage whole = (ImageToImage) host.model(folder.toString(), "upscaler", Map.of());
        ImageToImage tiled = (ImageToImage) host.model(folder.toString(), "upscaler",
                Map.of("tile", 48, "tile_overlap", 8));
        for (Image picture : new Image[] {fixture, landscapeCrop}) {
            Image reference = Reference.run(folder.resolve("model.onnx"), picture, 0f, 255f);
            assertEquals(picture.width() * scale, reference.width());

            AtomicInteger calls = new AtomicInteger();
            Image one = whole.transformImage(picture, ImageToImageOptions.defaults(),
                    step -> calls.set(step.totalSteps()));
            assertEquals(1, calls.get(), picture + " fits one 256-pixel tile");
            assertEquals(picture.width() * scale, one.width());
            assertEquals(picture.height() * scale, one.height());
            double untiled = Reference.psnr(reference, one);

            AtomicInteger tiles = new AtomicInteger();
            Image seams = tiled.transformImage(picture, ImageToImageOptions.defaults(),
                    step -> tiles.set(step.totalSteps()));
            double withSeams = Reference.psnr(reference, seams);
            System.out.printf(Locale.ROOT, "[esrgan x%d] %s: untiled %.1f dB, %d tiles of 48 (overlap 8) %.1f dB%n",
                    scale, picture, untiled, tiles.get(), withSeams);
            assertTrue(tiles.get() >= 4, tiles.get() + " tiles");
            assertTrue(untiled >= MIN_PSNR, "untiled: " + untiled + " dB");
            assertTrue(withSeams >= MIN_PSNR, "tiled: " + withSeams + " dB");
        }
    }
}
