package dev.genloom.plugins.diffusion.sd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Image;
import dev.genloom.cli.GenloomCli;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code genloom text-to-image} and {@code genloom image-to-image} on the test kit's tiny pipeline:
 * files written, the seed and the parts' times with {@code --json}, previews, several pictures, and
 * bad values refused in words with exit status 2.
 */
class DiffusionCliTest {
    @TempDir
    static Path models;
    static Path kit;

    @TempDir
    Path tmp;

    @BeforeAll
    static void write() {
        kit = StableDiffusionModel.write(models.resolve("sd-tiny"), StableDiffusionModel.TINY, TimestepType.INT64);
    }

    record Result(int status, String out, String err) {
    }

    static Result cli(String... args) {
        String[] full = new String[args.length + 5];
        full[0] = "-q";
        full[1] = "--device";
        full[2] = "cpu";
        full[3] = "--models";
        full[4] = models.toString();
        System.arraycopy(args, 0, full, 5, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(full, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void textToImageWritesThePictureAndJsonTellsSeedPreviewsAndTimes() throws Exception {
        Path out = tmp.resolve("fox.png");
        Result r = cli("--json", "text-to-image", "-m", "sd-tiny", "-o", out.toString(), "--width", "32", "--height", "32",
                "--steps", "4", "--scheduler", "euler", "--seed", "11", "--preview-every", "2", "a", "red", "fox");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(out.toString(), json.get("file").asText());
        assertEquals(11, json.get("seed").asLong());
        assertEquals(2, json.get("previews").size());
        assertTrue(Files.isRegularFile(tmp.resolve("fox.step-02.png")));
        assertTrue(Files.isRegularFile(tmp.resolve("fox.step-04.png")));
        for (String part : new String[] {"text_encoder", "unet", "vae_decoder"}) {
            assertTrue(json.get("seconds").get(part).asDouble() > 0, part + " in " + r.out());
        }
        assertTrue(json.get("unet_seconds_per_step").asDouble() > 0);
        // the file is what the API draws with the same seed
        try (Genloom g = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").build()) {
            Image api = g.model("sd-tiny", TextToImage.class).generateImage("a red fox", ImageOptions.builder()
                    .size(32, 32).steps(4).scheduler("euler").seed(11L).build());
            assertEquals(api, Image.read(out));
        }
    }

    @Test
    void withoutASeedOneIsDrawnAndPrintedAndCountWritesNumberedFiles() throws Exception {
        Path out = tmp.resolve("boat.png");
        Result r = cli("--json", "text-to-image", "-m", "sd-tiny", "-o", out.toString(), "--width", "32", "--height", "32",
                "--steps", "2", "--count", "2", "a boat");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertTrue(json.has("seed"));
        assertEquals(2, json.get("files").size());
        assertEquals(tmp.resolve("boat.1.png").toString(), json.get("files").get(0).asText());
        assertTrue(Files.isRegularFile(tmp.resolve("boat.2.png")));
        assertFalse(Image.read(tmp.resolve("boat.1.png")).equals(Image.read(tmp.resolve("boat.2.png"))));
    }

    @Test
    void benchImageTimesTheFrameworkAgainstTheBareLoop() throws Exception {
        Result r = cli("--json", "bench", "image", "-m", "sd-tiny", "--size", "32", "--steps", "3,1", "--repeats", "1");
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("euler", json.get("scheduler").asText());
        assertEquals(2, json.get("runs").size());
        for (JsonNode run : json.get("runs")) {
            assertTrue(run.get("secondsPerImage").asDouble() > 0 && run.get("bareSecondsPerImage").asDouble() > 0, r.out());
            assertTrue(run.get("secondsPerStep").asDouble() > 0 && run.get("bareSecondsPerStep").asDouble() > 0, r.out());
            assertEquals(run.get("secondsPerImage").asDouble() / run.get("bareSecondsPerImage").asDouble() - 1,
                    run.get("overhead").asDouble(), 1e-9);
        }
        assertEquals(3, json.get("runs").get(0).get("steps").asInt());
        Result bad = cli("bench", "image", "-m", "sd-tiny", "--steps", "0");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--steps must be at least 1"), bad.err());
    }

    @Test
    void badValuesAreRefusedInWords() {
        Path out = tmp.resolve("x.png");
        Result size = cli("text-to-image", "-m", "sd-tiny", "-o", out.toString(), "--width", "30", "x");
        assertEquals(2, size.status());
        assertTrue(size.err().contains("width must be a positive multiple of 8, got 30"), size.err());
        Result steps = cli("text-to-image", "-m", "sd-tiny", "-o", out.toString(), "--steps", "0", "x");
        assertEquals(2, steps.status());
        assertTrue(steps.err().contains("steps must be at least 1"), steps.err());
        Result scheduler = cli("text-to-image", "-m", "sd-tiny", "-o", out.toString(), "--width", "32", "--height", "32",
                "--scheduler", "heun", "x");
        assertEquals(2, scheduler.status());
        assertTrue(scheduler.err().contains("dpm++2m-karras"), scheduler.err());
        assertFalse(scheduler.err().contains("\tat "), scheduler.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void imageToImageRedrawsInpaintsAndRefusesABadMask() throws Exception {
        Path in = tmp.resolve("in.png");
        StableDiffusionTest.picture(32, 32, 1).writePng(in);
        Path mask = tmp.resolve("mask.png");
        new Image(16, 16, new byte[16 * 16 * 3]).writePng(mask);
        Path out = tmp.resolve("out.png");
        Result r = cli("--json", "image-to-image", "-m", "sd-tiny", "--image", in.toString(), "--strength", "0.5",
                "--steps", "4", "--seed", "3", "-o", out.toString(), "a", "ship");
        assertEquals(0, r.status(), r.err());
        assertEquals(32, Image.read(out).width());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertTrue(json.get("seconds").has("vae_encoder"), r.out());
        Result masked = cli("image-to-image", "-m", "sd-tiny", "--image", in.toString(), "--mask", mask.toString(),
                "--steps", "2", "-o", tmp.resolve("masked.png").toString(), "a ship");
        assertEquals(0, masked.status(), masked.err());
        Path notImage = tmp.resolve("mask.txt");
        Files.writeString(notImage, "not a picture");
        Result bad = cli("image-to-image", "-m", "sd-tiny", "--image", in.toString(), "--mask", notImage.toString(),
                "-o", tmp.resolve("bad.png").toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("mask.txt"), bad.err());
        Result strength = cli("image-to-image", "-m", "sd-tiny", "--image", in.toString(), "--strength", "1.5",
                "-o", tmp.resolve("bad.png").toString());
        assertEquals(2, strength.status());
        assertTrue(strength.err().contains("strength must be in [0, 1], got 1.5"), strength.err());
    }
}
