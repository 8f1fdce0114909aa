package dev.genloom.runtime;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Transcript;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineResult;
import dev.genloom.runtime.pipeline.PipelineValidationException;
import dev.genloom.runtime.pipeline.StepTiming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipelines on the real echo plugin, loaded from its jar, through the embedding API. */
class GenloomPipelineTest {

    @TempDir
    Path tmp;

    private Genloom open(Path models) {
        return Genloom.builder().environment(Map.of()).pluginsDir(EchoFixtures.folder()).modelsDir(models)
                .device("cpu").build();
    }

    /** An echo folder that sleeps in every call, so that two steps at once overlap in time. */
    private Path slowEcho() throws Exception {
        Path models = EchoFixtures.modelsWithEcho(tmp);
        Files.writeString(models.resolve("echo-tiny/genloom-model.yaml"), "options: {delayMillis: 300}\n");
        return models;
    }

    private Path pipeline(String name, String yaml) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void parallelBranchesRunAtOnceAndShareOneModel() throws Exception {
        Path file = pipeline("branches.yaml", """
                name: branches
                inputs:
                  prompt: text
                steps:
                  speak:
                    task: text-to-audio
                    model: echo-tiny
                    input: prompt
                  draw:
                    task: text-to-image
                    model: echo-tiny
                    input: prompt
                    options: {width: 16, height: 16}
                outputs:
                  speech: speak.audio
                  picture: draw.image
                """);
        try (Genloom genloom = open(slowEcho())) {
            PipelineResult r = genloom.run(genloom.pipeline(file), Map.of("prompt", "a blue sky"));
            assertTrue(r.output("speech") instanceof Audio);
            assertEquals(16, r.output("picture", Image.class).width());
            StepTiming speak = r.timing("speak");
            StepTiming draw = r.timing("draw");
            assertTrue(speak.startNanos() < draw.endNanos() && draw.startNanos() < speak.endNanos(),
                    "the branches overlap in time: " + speak + " / " + draw);
            assertTrue(!speak.thread().equals(draw.thread()), "two threads");
            assertEquals(1, genloom.loadedModels().size(), "one model for both steps: " + genloom.loadedModels());

            // a second run reuses the loaded model
            genloom.run(genloom.pipeline(file), Map.of("prompt", "a red sky"));
            assertEquals(1, genloom.loadedModels().size());
        }
    }

    @Test
    void aChainAcrossModalitiesGivesBackWhatWentIn() throws Exception {
        Path file = pipeline("chain.yaml", """
                name: chain
                inputs:
                  prompt: text
                steps:
                  speak: {task: text-to-audio, model: echo-tiny, input: prompt}
                  listen: {task: speech-to-text, model: echo-tiny, input: speak.audio, options: {timestamps: true}}
                  draw: {task: text-to-image, model: echo-tiny, input: listen.text}
                  look: {task: image-to-text, model: echo-tiny, input: draw.image, options: {labels: [a red thing, a green thing]}}
                outputs:
                  transcript: listen.transcript
                  verdict: look.text
                """);
        try (Genloom genloom = open(EchoFixtures.modelsWithEcho(tmp))) {
            PipelineResult r = genloom.run(genloom.pipeline(file), Map.of("prompt", "a green frog"));
            Transcript t = r.output("transcript", Transcript.class);
            assertEquals("a green frog", t.text());
            assertEquals(3, t.segments().size());
            assertEquals("a green thing", r.output("verdict"));
        }
    }

    @Test
    void aFailingStepFailsItsRunAndTheRuntimeKeepsWorking() throws Exception {
        Path models = EchoFixtures.modelsWithEcho(tmp);
        Files.writeString(models.resolve("echo-tiny/genloom-model.yaml"), "options: {failOn: boom}\n");
        Path file = pipeline("echo.yaml", """
                name: echo
                inputs:
                  prompt: text
                steps:
                  say: {task: text-to-text, model: echo-tiny, input: prompt}
                outputs:
                  text: say.text
                """);
        try (Genloom genloom = open(models)) {
            Pipeline p = genloom.pipeline(file);
            GenloomException e = assertThrows(GenloomException.class, () -> genloom.run(p, Map.of("prompt", "boom now")));
            assertEquals(ErrorKind.RUN_FAILED, e.kind());
            assertTrue(e.getMessage().startsWith("step 'say' (text-to-text on model 'echo-tiny') failed: "), e.getMessage());
            assertTrue(e.getMessage().contains("told to fail on 'boom'"), e.getMessage());
            assertEquals("all fine", genloom.run(p, Map.of("prompt", "all fine")).output("text"));
            assertEquals("direct too", genloom.textToText("echo-tiny").generate("direct too").text());
        }
    }

    @Test
    void validationUsesTheInstalledFamiliesBeforeAnythingLoads() throws Exception {
        Path file = pipeline("wrong.yaml", """
                name: wrong
                inputs:
                  prompt: text
                steps:
                  say: {task: text-to-text, model: echo-tiyn, input: prompt}
                outputs:
                  text: say.text
                """);
        try (Genloom genloom = open(EchoFixtures.modelsWithEcho(tmp))) {
            PipelineValidationException e = assertThrows(PipelineValidationException.class, () -> genloom.pipeline(file));
            assertEquals(1, e.problems().size());
            assertEquals(5, e.problems().get(0).line());
            assertTrue(e.problems().get(0).message().contains("echo-tiny"), "did you mean: " + e.problems());
            assertEquals(0, genloom.loadedModels().size());
        }
    }
}
