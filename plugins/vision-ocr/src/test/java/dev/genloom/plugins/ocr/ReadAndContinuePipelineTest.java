package dev.genloom.plugins.ocr;

import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.Genloom;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code config/pipelines/read-and-continue.yaml} on the real PP-OCRv4 models and the trained toy
 * GPT-2: the text read from a drawn picture starts the story.
 */
class ReadAndContinuePipelineTest {

    @Test
    void theExamplePipelineReadsThePictureAndContinuesItsText() {
        String dir = System.getenv("GENLOOM_TEST_MODELS");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "GENLOOM_TEST_MODELS is not set: skipping the read-and-continue pipeline");
        Path models = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(models.resolve("toy-gpt2-stories"))
                && Files.isDirectory(models.resolve("paddleocr-v4")), "no toy-gpt2-stories or paddleocr-v4: skipping");
        TextPicture p = new TextPicture(700, 120, Color.BLACK, Color.WHITE)
                .add("Once upon a time there was a little cat", new Font(Font.SERIF, Font.PLAIN, 30), 20, 70);
        Image picture = p.image();
        try (Genloom genloom = Genloom.builder().environment(Map.of()).modelsDir(models).device("cpu").build()) {
            Pipeline pipeline = genloom.pipeline(Path.of("../../config/pipelines/read-and-continue.yaml"));
            PipelineResult r = genloom.run(pipeline, Map.of("picture", picture));
            String read = r.output("read", String.class);
            assertTrue(Cer.rate(p.text(), read) <= OcrRealModelTest.MAX_CER, "read: " + read);
            String direct = genloom.model("toy-gpt2-stories", TextToText.class).generate(read,
                    TextOptions.defaults().withMaxNewTokens(24).withDoSample(false)).text();
            assertEquals(direct, r.output("story", String.class));
            assertTrue(!direct.isBlank(), "the toy model continues the text");
        }
    }
}
