package dev.genloom.plugins.whisper;

import dev.genloom.api.TextOptions;
import dev.genloom.runtime.media.WavCodec;
import dev.genloom.api.TextToText;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code config/pipelines/speech-to-story.yaml} on the trained toy models: Whisper's words start GPT-2's story. */
class SpeechToStoryPipelineTest {

    @Test
    void theExamplePipelineTranscribesAndContinues() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the speech-to-story pipeline");
        Path models = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(models.resolve("toy-gpt2-stories")), "no toy-gpt2-stories: skipping");
        try (Genloom genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").threads(1)
                .build()) {
            Pipeline p = genloom.pipeline(Path.of("../../config/pipelines/speech-to-story.yaml"));
            Audio speech = WavCodec.read(models.resolve("toy-whisper-en/heldout/held_00001.wav"));
            PipelineResult r = genloom.run(p, Map.of("speech", speech));
            assertEquals(" Open the window.", r.output("said", String.class));
            String direct = genloom.model("toy-gpt2-stories", TextToText.class).generate(" Open the window.",
                    TextOptions.defaults().withMaxNewTokens(24).withDoSample(false)).text();
            assertEquals(direct, r.output("story", String.class));
        }
    }
}
