package dev.genloom.plugins.diffusion.sd;

import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.media.AudioFiles;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineResult;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel.TimestepType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code config/pipelines/speak-and-draw.yaml}: the toy Whisper of the real models transcribes a
 * spoken command, the test kit's tiny Stable Diffusion draws it, ESRGAN-slim x2 upscales the
 * drawing; each output equals the model called directly.
 */
class SpeakAndDrawPipelineTest {

    @Test
    void theExamplePipelineTranscribesDrawsAndUpscales(@TempDir Path kit) {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "GENLOOM_TEST_MODELS is not set: skipping speak-and-draw");
        Path real = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(real.resolve("toy-whisper-en"))
                && Files.isDirectory(real.resolve("esrgan-slim-x2")), "no toy-whisper-en or esrgan-slim-x2: skipping");
        StableDiffusionModel.write(kit.resolve("sd-tiny"), StableDiffusionModel.TINY, TimestepType.INT64);
        Audio speech = AudioFiles.read(real.resolve("toy-whisper-en/heldout/held_00001.wav"));
        try (Genloom genloom = Genloom.builder().environment(Map.of()).modelsDir(real).modelsDir(kit).device("cpu")
                .build()) {
            Pipeline pipeline = genloom.pipeline(Path.of("../../config/pipelines/speak-and-draw.yaml"));
            PipelineResult r = genloom.run(pipeline, Map.of("speech", speech));
            String said = r.output("transcript", String.class);
            assertEquals("Open the window.", said.strip());
            Image drawn = genloom.model("sd-tiny", TextToImage.class).generateImage(said, ImageOptions.builder()
                    .size(64, 64).steps(4).guidanceScale(5.0).scheduler("dpm++2m-karras").seed(42L).build());
            assertEquals(drawn, r.output("picture", Image.class));
            Image large = r.output("large", Image.class);
            assertEquals(128, large.width());
            assertEquals(genloom.model("esrgan-slim-x2", ImageToImage.class).transformImage(drawn), large);
        }
    }
}
