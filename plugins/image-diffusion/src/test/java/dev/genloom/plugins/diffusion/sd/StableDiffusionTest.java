package dev.genloom.plugins.diffusion.sd;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.genloom.api.DenoisingStep;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.Latents;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Image;
import dev.genloom.plugins.diffusion.scheduler.NoiseSource;
import dev.genloom.plugins.diffusion.scheduler.Schedulers;
import dev.genloom.runtime.DirectContext;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.store.LocalModelFolder;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Stable Diffusion family on the test kit's tiny pipelines (random weights, the diffusers
 * export layout), run inside the real host: seeds, guidance, batches, timestep dtypes, img2img,
 * inpainting, previews, schedulers, and folders and inputs that do not fit.
 */
class StableDiffusionTest {
    static final int SIZE = 32;

    @TempDir
    static Path models;
    static Genloom host;
    static TextToImage sd;
    static TextToImage sdFloat;
    /** The model opened without the host, to look inside. */
    static StableDiffusion direct;

    @BeforeAll
    static void setUp() {
        StableDiffusionModel.write(models.resolve("sd-tiny"), StableDiffusionModel.TINY, TimestepType.INT64);
        StableDiffusionModel.write(models.resolve("sd-tiny-float"), StableDiffusionModel.TINY, TimestepType.FLOAT);
        host = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1).build();
        sd = host.model("sd-tiny", TextToImage.class);
        sdFloat = host.model("sd-tiny-float", TextToImage.class);
        direct = StableDiffusion.open(DirectContext.of(models.resolve("sd-tiny"), "diffusion", Map.of()));
    }

    @AfterAll
    static void tearDown() {
        direct.close();
        host.close();
    }

    static ImageOptions.Builder small() {
        return ImageOptions.builder().size(SIZE, SIZE).steps(3).seed(7L).guidanceScale(4.0);
    }

    static Image picture(int w, int h, long seed) {
        Random r = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (x * 255 / w);
                rgb[i + 1] = (byte) (y * 255 / h);
                rgb[i + 2] = (byte) r.nextInt(256);
            }
        }
        return new Image(w, h, rgb);
    }

    /** The largest difference of one 8-bit sample between two pictures of one size. */
    static int maxDiff(Image a, Image b) {
        assertEquals(a.width(), b.width());
        assertEquals(a.height(), b.height());
        int max = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            max = Math.max(max, Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff)));
        }
        return max;
    }

    @Test
    void theFamilyRecognisesThePipelineFolder() {
        DiffusionFamily family = new DiffusionFamily();
        assertEquals("diffusion", family.name());
        assertEquals("model_index.json, unet/model.onnx",
                family.recognize(new LocalModelFolder(models.resolve("sd-tiny"))).orElseThrow());
    }

    @Test
    void theSameSeedDrawsTheSamePictureAndAnotherSeedAnother() {
        Image a = sd.generateImage("a red fox in the snow", small().build());
        Image b = sd.generateImage("a red fox in the snow", small().build());
        assertEquals(a, b);
        assertEquals(SIZE, a.width());
        assertNotEquals(a, sd.generateImage("a red fox in the snow", small().seed(8L).build()));
        assertNotEquals(a, sd.generateImage("a blue boat", small().build()));
    }

    @Test
    void guidanceOfOneIsTheUnguidedPathAndMoreGuidanceChangesThePicture() {
        Image one = sd.generateImage("a red fox", small().guidanceScale(1.0).build());
        Image none = sd.generateImage("a red fox", small().guidanceScale(0.0).build());
        assertEquals(one, none);
        assertNotEquals(one, sd.generateImage("a red fox", small().guidanceScale(6.0).build()));
        // the guidance formula at 1 is the conditional prediction itself
        Denoiser d = new Denoiser(null, null, 4, 1, 1, 1.0, 0);
        float[] u = {0.3f, -1f, 2f, 0.5f};
        float[] c = {1f, 0.25f, -0.5f, 0f};
        assertArrayEquals(c, d.guide(u, c), 1e-7f);
        // and at 3 it is u + 3 (c - u)
        assertArrayEquals(new float[] {2.4f, 2.75f, -5.5f, -1f}, new Denoiser(null, null, 4, 1, 1, 3.0, 0).guide(u, c), 1e-6f);
    }

    @Test
    void guidanceRescaleBringsTheSpreadToTheConditionalOnes() {
        float[] u = {0.1f, -0.4f, 0.9f, 0.2f, -0.7f};
        float[] c = {0.5f, -0.1f, 0.3f, 0.8f, -0.2f};
        float[] full = new Denoiser(null, null, 5, 1, 1, 7.5, 1.0).guide(u, c);
        assertEquals(Denoiser.std(c), Denoiser.std(full), 1e-6);
        float[] plain = new Denoiser(null, null, 5, 1, 1, 7.5, 0).guide(u, c);
        float[] half = new Denoiser(null, null, 5, 1, 1, 7.5, 0.5).guide(u, c);
        double factor = Denoiser.std(c) / Denoiser.std(plain);
        for (int k = 0; k < u.length; k++) {
            assertEquals(0.5 * plain[k] * factor + 0.5 * plain[k], half[k], 1e-5);
        }
    }

    @Test
    void aBatchEqualsEachPictureAlone() {
        List<Image> two = sd.generateImages("a lighthouse", small().count(2).build(), StepListener.NONE);
        assertEquals(2, two.size());
        assertTrue(maxDiff(two.get(0), sd.generateImage("a lighthouse", small().build())) <= 1);
        assertTrue(maxDiff(two.get(1), sd.generateImage("a lighthouse", small().seed(8L).build())) <= 1);
        assertNotEquals(two.get(0), two.get(1));
    }

    @Test
    void int64AndFloatTimestepExportsDrawTheSamePicture() {
        for (String scheduler : List.of("pndm", "euler")) {
            ImageOptions o = small().scheduler(scheduler).build();
            assertTrue(maxDiff(sd.generateImage("a castle", o), sdFloat.generateImage("a castle", o)) <= 1, scheduler);
        }
    }

    @Test
    void initialLatentsHandedInDrawWhatTheirSeedDraws() {
        int n = 4 * (SIZE / 8) * (SIZE / 8);
        float[] noise = new NoiseSource(7L).next(n);
        Image seeded = sd.generateImage("a mountain", small().build());
        Image given = sd.generateImage("a mountain", small().seed(99L)
                .latents(new Latents(new long[] {1, 4, SIZE / 8, SIZE / 8}, noise)).build());
        assertEquals(seeded, given);
        GenloomException e = assertThrows(GenloomException.class, () -> sd.generateImage("x", small()
                .latents(new Latents(new long[] {1, 4, 2, 2}, new float[16])).build()));
        assertTrue(e.getMessage().contains("must be [1, 4, 4, 4]"), e.getMessage());
    }

    @Test
    void notANumberIsCaughtAndToldWithWhatToTry() {
        int n = 4 * (SIZE / 8) * (SIZE / 8);
        float[] noise = new NoiseSource(7L).next(n);
        noise[5] = Float.NaN;
        GenloomException e = assertThrows(GenloomException.class, () -> sd.generateImage("a mountain",
                small().latents(new Latents(new long[] {1, 4, SIZE / 8, SIZE / 8}, noise)).build()));
        assertEquals(ErrorKind.RUN_FAILED, e.kind());
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("step 1"), e.getMessage());
        assertTrue(e.hint().contains("fp32") && e.hint().contains("scheduler"), e.hint());
    }

    @Test
    void previewsComeEveryKStepsAndTheLastIsThePicture() {
        List<DenoisingStep> steps = new ArrayList<>();
        Image image = sd.generateImage("a tree", small().scheduler("euler").steps(4).previewEvery(2).build(), steps::add);
        assertEquals(List.of(1, 2, 3, 4), steps.stream().map(DenoisingStep::step).toList());
        assertEquals(List.of(false, true, false, true), steps.stream().map(DenoisingStep::hasPreview).toList());
        assertEquals(image, steps.get(3).preview());
        assertTrue(steps.get(0).timestep() > steps.get(3).timestep());
        assertTrue(steps.get(3).elapsed().compareTo(steps.get(0).elapsed()) >= 0);
    }

    @Test
    void theTimeOfEachPartIsToldAtTheEnd() {
        Map<String, Duration>[] told = new Map[1];
        sd.generateImages("a tree", small().build(), new StepListener() {
            @Override
            public void onStep(DenoisingStep step) {
            }

            @Override
            public void onDone(Map<String, Duration> timeByPart) {
                told[0] = timeByPart;
            }
        });
        assertEquals(List.of("text_encoder", "unet", "vae_decoder"), List.copyOf(told[0].keySet()));
    }

    @Test
    void everySchedulerDrawsAFinitePicture() {
        for (String name : Schedulers.names()) {
            Image a = sd.generateImage("a cat", small().scheduler(name).steps(4).build());
            assertEquals(SIZE, a.height(), name);
            assertEquals(a, sd.generateImage("a cat", small().scheduler(name).steps(4).build()), name);
        }
    }

    @Test
    void anUnknownSchedulerIsRefusedListingTheNames() {
        GenloomException e = assertThrows(GenloomException.class,
                () -> sd.generateImage("a cat", small().scheduler("heun-karras").build()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        for (String name : Schedulers.names()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void anEmptyPromptDrawsUnconditionally() {
        Image a = sd.generateImage("", small().build());
        assertEquals(SIZE, a.width());
    }

    @Test
    void pictureSizesOverTheLimitAreRefused() {
        GenloomException e = assertThrows(GenloomException.class,
                () -> sd.generateImage("x", small().size(4096, 4096).build()));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("4096x4096") && e.getMessage().contains("limit"), e.getMessage());
        assertTrue(e.hint().contains("max_pixels"), e.hint());
    }

    // ---------------------------------------------------------------- image-to-image

    @Test
    void strengthZeroGivesThePicturesRoundTripThroughTheVae() throws OrtException {
        Image in = picture(SIZE, SIZE, 3);
        Image out = ((ImageToImage) sd).transformImage(in, ImageToImageOptions.builder().strength(0.0).seed(1L).build());
        // the round trip computed here with ONNX Runtime alone
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path folder = models.resolve("sd-tiny");
        try (OrtSession enc = env.createSession(folder.resolve("vae_encoder/model.onnx").toString());
             OrtSession dec = env.createSession(folder.resolve("vae_decoder/model.onnx").toString());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.toChw(new float[] {0.5f, 0.5f, 0.5f},
                     new float[] {0.5f, 0.5f, 0.5f})), new long[] {1, 3, SIZE, SIZE});
             OrtSession.Result latent = enc.run(Map.of("sample", x));
             OrtSession.Result pixels = dec.run(Map.of("latent_sample", (OnnxTensor) latent.get(0)))) {
            float[] chw = new float[3 * SIZE * SIZE];
            ((OnnxTensor) pixels.get(0)).getFloatBuffer().get(chw);
            assertTrue(maxDiff(Image.fromChw(chw, SIZE, SIZE, -1, 1), out) <= 1);
        }
    }

    @Test
    void strengthOneIgnoresThePicture() {
        ImageToImage i2i = (ImageToImage) sd;
        ImageToImageOptions o = ImageToImageOptions.builder().prompt("a ship").strength(1.0).steps(3).seed(5L).build();
        assertEquals(i2i.transformImage(picture(SIZE, SIZE, 1), o), i2i.transformImage(picture(SIZE, SIZE, 2), o));
        ImageToImageOptions partial = o.toBuilder().strength(0.6).build();
        assertNotEquals(i2i.transformImage(picture(SIZE, SIZE, 1), partial), i2i.transformImage(picture(SIZE, SIZE, 2), partial));
    }

    @Test
    void inpaintingKeepsTheLatentsOutsideTheMask() {
        StableDiffusion model = direct;
        Image in = picture(SIZE, SIZE, 4);
        byte[] rgb = new byte[SIZE * SIZE * 3];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE / 2; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[3 * (y * SIZE + x) + c] = (byte) 255;       // the left half is redrawn
                }
            }
        }
        Image mask = new Image(SIZE, SIZE, rgb);
        ImageToImageOptions o = ImageToImageOptions.builder().prompt("a window").mask(mask).steps(4).seed(3L).build();
        StableDiffusion.Redrawn r = model.redraw(in, o, StepListener.NONE);
        StableDiffusion.Redrawn roundTrip = model.redraw(in, o.toBuilder().mask(null).strength(0.0).build(), StepListener.NONE);
        int w = SIZE / 8;
        int kept = 0;
        int changed = 0;
        for (int c = 0; c < 4; c++) {
            for (int y = 0; y < w; y++) {
                for (int x = 0; x < w; x++) {
                    int k = c * w * w + y * w + x;
                    if (x >= w / 2) {
                        assertEquals(roundTrip.latents()[k], r.latents()[k], 0f, "latent " + k + " outside the mask");
                        kept++;
                    } else if (roundTrip.latents()[k] != r.latents()[k]) {
                        changed++;
                    }
                }
            }
        }
        assertEquals(4 * w * w / 2, kept);
        assertTrue(changed > kept / 2, "the masked half was redrawn: " + changed);
    }

    @Test
    void aMaskOfAnotherSizeIsResizedAndStrengthIsChecked() {
        ImageToImage i2i = (ImageToImage) sd;
        Image mask = new Image(4, 4, new byte[48]);
        Image out = i2i.transformImage(picture(SIZE, SIZE, 1), ImageToImageOptions.builder().mask(mask).steps(2).seed(1L).build());
        assertEquals(SIZE, out.width());
        assertThrows(GenloomException.class, () -> ImageToImageOptions.builder().strength(-0.1).build());
    }

    @Test
    void aPictureNotAMultipleOfEightIsResizedDown() {
        // the kit's UNet halves the latents once: its latents' sides must be even (pictures of 16 px)
        Image out = ((ImageToImage) sd).transformImage(picture(50, 37, 1),
                ImageToImageOptions.builder().strength(0.5).steps(2).seed(1L).build());
        assertEquals(48, out.width());
        assertEquals(32, out.height());
    }

    // ---------------------------------------------------------------- folders

    static Path copy(String name, String to) throws IOException {
        Path from = models.resolve(name);
        Path dest = models.resolve(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = dest.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
        return dest;
    }

    @Test
    void aFolderMissingAPartIsRefusedNamingIt() throws IOException {
        for (String part : List.of("vae_decoder", "text_encoder")) {
            Path folder = copy("sd-tiny", "sd-no-" + part);
            Files.delete(folder.resolve(part).resolve("model.onnx"));
            GenloomException e = assertThrows(GenloomException.class, () -> host.model("sd-no-" + part, TextToImage.class));
            assertTrue(e.getMessage().contains(part + "/model.onnx"), e.getMessage());
        }
        Path noScheduler = copy("sd-tiny", "sd-no-scheduler");
        Files.delete(noScheduler.resolve("scheduler/scheduler_config.json"));
        GenloomException e = assertThrows(GenloomException.class, () -> host.model("sd-no-scheduler", TextToImage.class));
        assertTrue(e.getMessage().contains("scheduler/scheduler_config.json"), e.getMessage());
        Path noEncoder = copy("sd-tiny", "sd-no-vae-encoder");
        Files.delete(noEncoder.resolve("vae_encoder/model.onnx"));
        ImageToImage i2i = host.model("sd-no-vae-encoder", ImageToImage.class);
        GenloomException e2 = assertThrows(GenloomException.class, () -> i2i.transformImage(picture(SIZE, SIZE, 1)));
        assertTrue(e2.getMessage().contains("vae_encoder/model.onnx") && e2.getMessage().contains("image-to-image"),
                e2.getMessage());
    }

    @Test
    void aPartWhoseSignatureDoesNotFitIsRefusedNamingTheFileAndTheTensors() throws IOException {
        Path folder = copy("sd-tiny", "sd-wrong-unet");
        Files.copy(folder.resolve("vae_decoder/model.onnx"), folder.resolve("unet/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        GenloomException e = assertThrows(GenloomException.class, () -> host.model("sd-wrong-unet", TextToImage.class));
        assertEquals(ErrorKind.MODEL_INCOMPATIBLE, e.kind());
        assertTrue(e.getMessage().contains("unet/model.onnx") && e.getMessage().contains("a Stable Diffusion UNet")
                && e.getMessage().contains("encoder_hidden_states") && e.getMessage().contains("latent_sample"),
                e.getMessage());
    }

    @Test
    void theSlowTokenizersFilesWorkWithoutTokenizerJson() throws IOException {
        Path folder = copy("sd-tiny", "sd-slow-tokenizer");
        Files.delete(folder.resolve("tokenizer/tokenizer.json"));
        TextToImage slow = host.model("sd-slow-tokenizer", TextToImage.class);
        for (String prompt : List.of("a photo of an astronaut riding a horse on mars", "Hello,   World! 42", "")) {
            assertEquals(sd.generateImage(prompt, small().build()), slow.generateImage(prompt, small().build()), prompt);
        }
    }

    @Test
    void aLongPromptIsCutToTheEncodersLengthKeepingItsEnd() {
        StableDiffusion model = direct;
        String longPrompt = "a photo of an astronaut riding a horse on mars ".repeat(12);
        long[] ids = model.promptIds(longPrompt);
        assertEquals(77, ids.length);
        long[] shortIds = model.promptIds("a photo");
        assertEquals(shortIds[0], ids[0]);                 // the start of text
        long eos = shortIds[76];                           // SD 1.x pads with the end of text
        assertEquals(eos, ids[76]);
        assertNotEquals(eos, ids[75]);                     // the prompt fills the rest
        assertEquals(model.promptIds(longPrompt.substring(0, 200))[40], ids[40]);
    }
}
