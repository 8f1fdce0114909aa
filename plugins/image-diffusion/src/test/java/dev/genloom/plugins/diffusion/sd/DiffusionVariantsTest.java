package dev.genloom.plugins.diffusion.sd;

import dev.genloom.api.DenoisingStep;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.scheduler.Schedulers;
import dev.genloom.runtime.DirectContext;
import dev.genloom.runtime.Genloom;
import dev.genloom.zoo.testkit.diffusion.SdVariant;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel;
import dev.genloom.zoo.testkit.diffusion.TinyAutoencoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Stable Diffusion family on every export layout the test kit writes: SD 1.x (diffusers'
 * script and Optimum), v-prediction, inpainting (9 channels), external UNet weights, a UNet whose
 * batch is fixed at 1, LCM ({@code timestep_cond}), SDXL and SDXL-Turbo (two text encoders,
 * {@code text_embeds}, {@code time_ids}), fp16; every scheduler on every one; and previews from a
 * TAESD companion.
 */
class DiffusionVariantsTest {
    static final int SIZE = 32;
    static final Map<String, SdVariant> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("sd-tiny", StableDiffusionModel.tiny());
        VARIANTS.put("sd-tiny-v", StableDiffusionModel.tinyV());
        VARIANTS.put("sd-tiny-inpaint", StableDiffusionModel.tinyInpaint());
        VARIANTS.put("sd-tiny-external", StableDiffusionModel.tinyExternal());
        VARIANTS.put("sd-tiny-batch1", StableDiffusionModel.tinyBatchOne());
        VARIANTS.put("sd-tiny-lcm", StableDiffusionModel.tinyLcm());
        VARIANTS.put("sdxl-tiny", StableDiffusionModel.tinyXl());
        VARIANTS.put("sdxl-turbo-tiny", StableDiffusionModel.tinyXlTurbo());
        VARIANTS.put("sd-tiny-fp16", StableDiffusionModel.tinyFp16());
    }

    @TempDir
    static Path models;
    static Genloom host;

    @BeforeAll
    static void setUp() {
        VARIANTS.forEach((name, v) -> StableDiffusionModel.write(models.resolve(name), v));
        TinyAutoencoder.write(models.resolve("taesd-tiny"), TinyAutoencoder.TINY);
        host = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
    }

    @AfterAll
    static void tearDown() {
        host.close();
    }

    static ImageOptions.Builder small() {
        return ImageOptions.builder().size(SIZE, SIZE).steps(3).seed(7L).guidanceScale(4.0);
    }

    @Test
    void everySchedulerDrawsOnEveryLayout() {
        for (String name : VARIANTS.keySet()) {
            TextToImage model = host.model(name, TextToImage.class);
            for (String scheduler : Schedulers.names()) {
                ImageOptions o = small().scheduler(scheduler).steps(4).build();   // pndm without skip_prk_steps needs 4
                Image a = model.generateImage("a red fox", o);
                assertEquals(SIZE, a.width(), name + " " + scheduler);
                assertEquals(a, model.generateImage("a red fox", o), name + " " + scheduler + " draws the same twice");
            }
            // the folder's own scheduler, steps and guidance
            assertEquals(SIZE, model.generateImage("a red fox", ImageOptions.builder().size(SIZE, SIZE).seed(1L).build())
                    .height(), name);
        }
    }

    @Test
    void aBatchOneUnetIsCalledOncePerRowAndDrawsWhatTheBatchedOneDraws() {
        TextToImage batched = host.model("sd-tiny", TextToImage.class);
        TextToImage single = host.model("sd-tiny-batch1", TextToImage.class);
        ImageOptions o = small().count(2).build();
        List<Image> a = batched.generateImages("a lighthouse", o, StepListener.NONE);
        List<Image> b = single.generateImages("a lighthouse", o, StepListener.NONE);
        for (int i = 0; i < 2; i++) {
            assertTrue(StableDiffusionTest.maxDiff(a.get(i), b.get(i)) <= 1, "image " + i);
        }
    }

    @Test
    void externalUnetWeightsAndFp16DrawWhatTheInlineFp32ExportDraws() {
        TextToImage vPrediction = host.model("sd-tiny-v", TextToImage.class);
        TextToImage external = host.model("sd-tiny-external", TextToImage.class);
        TextToImage half = host.model("sd-tiny-fp16", TextToImage.class);
        TextToImage inpaint = host.model("sd-tiny-inpaint", TextToImage.class);
        ImageOptions o = small().scheduler("euler").build();
        Image reference = host.model("sd-tiny", TextToImage.class).generateImage("a castle", o);
        // Optimum's layout of the same weights (float scalar timestep) draws the same
        Image optimumImage = external.generateImage("a castle", o);
        assertTrue(StableDiffusionTest.maxDiff(reference, optimumImage) <= 1);
        int fp16 = StableDiffusionTest.maxDiff(optimumImage, half.generateImage("a castle", o));
        assertTrue(fp16 <= 12, "fp16 differs from fp32 by " + fp16 + " levels");
        assertFalse(vPrediction.generateImage("a castle", o).equals(external.generateImage("a castle", o)),
                "v-prediction changes the picture");
        assertEquals(SIZE, inpaint.generateImage("a castle", o).width());
    }

    @Test
    void theLayoutsDefaultsAreRead() {
        StableDiffusion v = StableDiffusion.open(DirectContext.of(models.resolve("sd-tiny-v"), "diffusion", Map.of()));
        StableDiffusion lcm = StableDiffusion.open(DirectContext.of(models.resolve("sd-tiny-lcm"), "diffusion", Map.of()));
        StableDiffusion turbo = StableDiffusion.open(DirectContext.of(models.resolve("sdxl-turbo-tiny"), "diffusion", Map.of()));
        StableDiffusion xl = StableDiffusion.open(DirectContext.of(models.resolve("sdxl-tiny"), "diffusion",
                Map.of("steps", 7, "guidance", 3.0)));
        try (v; lcm; turbo; xl) {
            assertEquals(96, v.defaults.width());                        // unet/config.json sample_size 12
            assertEquals(4, lcm.defaults.steps());
            assertEquals(8.5, lcm.defaults.guidance());
            assertTrue(turbo.defaults.turbo());
            assertEquals(1, turbo.defaults.steps());
            assertEquals(0.0, turbo.defaults.guidance());
            assertEquals(Defaults.SDXL_SCALING, xl.defaults.scalingFactor(), 0);
            assertEquals(7, xl.defaults.steps());                         // load options win
            assertEquals(3.0, xl.defaults.guidance());
        }
    }

    @Test
    void anInpaintingUnetRedrawsInsideTheMask() {
        ImageToImage inpaint = host.model("sd-tiny-inpaint", ImageToImage.class);
        Image in = StableDiffusionTest.picture(SIZE, SIZE, 9);
        byte[] rgb = new byte[SIZE * SIZE * 3];
        for (int i = 0; i < rgb.length / 2; i++) {
            rgb[i] = (byte) 255;                                   // the top half is redrawn
        }
        ImageToImageOptions o = ImageToImageOptions.builder().prompt("a door").mask(new Image(SIZE, SIZE, rgb))
                .steps(3).seed(2L).build();
        Image a = inpaint.transformImage(in, o);
        assertEquals(a, inpaint.transformImage(in, o));
        assertFalse(a.equals(inpaint.transformImage(in, o.toBuilder().mask(null).build())), "the mask matters");
    }

    @Test
    void previewsComeFromTheTinyAutoencoderCompanion() {
        Path taesd = models.resolve("taesd-tiny").toAbsolutePath();
        try (Genloom g = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build()) {
            TextToImage withTaesd = (TextToImage) g.model("sd-tiny", null, Map.of("preview", taesd.toString()));
            List<DenoisingStep> steps = new ArrayList<>();
            Image image = withTaesd.generateImage("a tree", small().scheduler("euler").steps(2).previewEvery(1).build(),
                    steps::add);
            assertEquals(2, steps.size());
            Image preview = steps.get(1).preview();
            assertEquals(SIZE, preview.width());
            // TAESD's approximation, not the VAE's exact decode (which the last preview is without it)
            assertFalse(preview.equals(image));
        }
    }
}
