package dev.genloom.cli;

import dev.genloom.zoo.testkit.EchoExport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.runtime.media.WavCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genloom.api.media.Audio;
import dev.genloom.runtime.EchoFixtures;
import dev.genloom.runtime.media.FfmpegEncoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The genloom command, run in-process against the echo plugin jar and a test-kit model folder. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path models;

    record Result(int status, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void models() throws IOException {
        models = EchoFixtures.modelsWithEcho(tmp);
    }

    static Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--plugins", EchoFixtures.folder().toString(),
                "--models", models.toString(), "--device", "cpu", "-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void pluginsListsTheEchoFamilyAndItsTasks() throws IOException {
        Result r = cli("plugins");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("echo"), r.out());
        assertTrue(r.out().contains("speech-to-text"), r.out());

        JsonNode json = cli("plugins", "--json").json();
        JsonNode echo = null;
        for (JsonNode p : json.get("plugins")) {
            if (p.get("id").asText().equals("echo")) {
                echo = p;
            }
        }
        assertTrue(echo != null, json.toString());
        assertTrue(echo.get("path").asText().endsWith("genloom-plugin-echo.jar"));
        List<String> tasks = new ArrayList<>();
        echo.get("families").get(0).get("tasks").forEach(t -> tasks.add(t.asText()));
        assertEquals(List.of("text-to-text", "text-to-image", "image-to-image", "speech-to-text", "image-to-text", "text-to-audio",
                "text-embedding", "image-embedding"), tasks);
    }

    @Test
    void modelsSaysWhichPluginLoadsEachFolder() throws IOException {
        JsonNode json = cli("models", "--json").json();
        JsonNode first = json.get("models").get(0);
        assertEquals("echo-tiny", first.get("name").asText());
        assertEquals("echo", first.get("family").asText());
        assertEquals("echo", first.get("plugin").asText());
    }

    @Test
    void textToTextStreamsAndHonoursOptions() throws IOException {
        Result r = cli("text-to-text", "-m", "echo-tiny", "the quick brown fox");
        assertEquals(0, r.status(), r.err());
        assertEquals("the quick brown fox\n", r.out());

        JsonNode json = cli("text-to-text", "-m", "echo-tiny", "--max-new-tokens", "2", "--json",
                "the quick brown fox").json();
        assertEquals("the quick", json.get("text").asText());
        assertEquals("length", json.get("finishReason").asText());
        assertEquals(2, json.get("generatedTokens").asInt());

        Result stop = cli("text-to-text", "-m", "echo-tiny", "--stop", "brown", "the quick brown fox");
        assertEquals("the quick \n", stop.out());
    }

    @Test
    void badInputExitsWithTwoAndSaysWhat() {
        Result badOption = cli("text-to-text", "-m", "echo-tiny", "--top-p", "1.5", "hello");
        assertEquals(2, badOption.status());
        assertTrue(badOption.err().contains("topP must be in (0, 1]"), badOption.err());

        Result unknownModel = cli("text-to-text", "-m", "echo-tinny", "hello");
        assertEquals(2, unknownModel.status());
        assertTrue(unknownModel.err().contains("echo-tinny"), unknownModel.err());

        Result usage = cli("text-to-text", "--no-such-flag");
        assertEquals(2, usage.status());

        Result noFile = cli("speech-to-text", "-m", "echo-tiny", tmp.resolve("missing.wav").toString());
        assertEquals(2, noFile.status());
        assertTrue(noFile.err().contains("missing.wav"), noFile.err());
    }

    @Test
    void speechRoundTripThroughTwoCommands() throws IOException {
        Path wav = tmp.resolve("hello.wav");
        Result said = cli("text-to-audio", "-m", "echo-tiny", "-o", wav.toString(), "hello there, 42!");
        assertEquals(0, said.status(), said.err());
        assertEquals(16_000, WavCodec.read(wav).sampleRate());

        Result heard = cli("speech-to-text", "-m", "echo-tiny", wav.toString());
        assertEquals(0, heard.status(), heard.err());
        assertEquals("hello there, 42!\n", heard.out());

        Result srt = cli("speech-to-text", "-m", "echo-tiny", "--format", "srt", wav.toString());
        assertTrue(srt.out().startsWith("1\n00:00:00,000 --> 00:00:00,"), srt.out());
        assertTrue(srt.out().contains("\n2\n"), srt.out());
    }

    @Test
    void speechToTextReadsWhatFfmpegDecodes() throws Exception {
        Path wav = tmp.resolve("tones.wav");
        assertEquals(0, cli("text-to-audio", "-m", "echo-tiny", "-o", wav.toString(), "flac and stereo").status());
        // the same tones, losslessly, as 44.1 kHz stereo FLAC: read by FFmpeg, resampled by the model
        Audio tones = WavCodec.read(wav);
        float[] mono = tones.samples();
        float[] stereo = new float[mono.length * 2];
        for (int i = 0; i < mono.length; i++) {
            stereo[2 * i] = mono[i];
            stereo[2 * i + 1] = mono[i];
        }
        Path flac = tmp.resolve("tones.flac");
        FfmpegEncoder.encode(new Audio(stereo, tones.sampleRate(), 2).resample(44100), flac, "flac", "flac", 0);
        Result heard = cli("speech-to-text", "-m", "echo-tiny", flac.toString());
        assertEquals(0, heard.status(), heard.err());
        assertEquals("flac and stereo\n", heard.out());

        Path notes = tmp.resolve("notes.txt");
        Files.writeString(notes, "not a recording\n".repeat(10));
        Result refused = cli("speech-to-text", "-m", "echo-tiny", notes.toString());
        assertEquals(2, refused.status());
        assertTrue(refused.err().contains("notes.txt is not audio FFmpeg can decode"), refused.err());
    }

    @Test
    void pictureRoundTripThroughTwoCommands() throws IOException {
        Path png = tmp.resolve("field.png");
        Result drawn = cli("text-to-image", "-m", "echo-tiny", "--width", "40", "--height", "24", "-o", png.toString(),
                "a green field");
        assertEquals(0, drawn.status(), drawn.err());
        assertTrue(Files.size(png) > 0);

        Result seen = cli("image-to-text", "-m", "echo-tiny", png.toString());
        assertEquals("a 40x24 picture, mostly green\n", seen.out());

        Result ranked = cli("image-to-text", "-m", "echo-tiny", "-l", "a red barn,a green meadow", png.toString());
        assertTrue(ranked.out().split("\n")[0].endsWith("a green meadow"), ranked.out());
    }

    @Test
    void pipelineValidateReportsEachProblemWithItsPosition() throws IOException {
        Path good = Path.of("../config/pipelines/echo-demo.yaml");
        Result ok = cli("pipeline", "validate", good.toString());
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().contains("valid pipeline 'echo-demo'"), ok.out());

        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, """
                name: bad
                inputs:
                  speech: audio
                steps:
                  draw:
                    task: text-to-image
                    model: echo-tiny
                    input: speech
                    options: {stpes: 4}
                outputs:
                  picture: draw.image
                """);
        Result r = cli("pipeline", "validate", bad.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains(bad + ":8:12: "), r.err());
        assertTrue(r.err().contains(bad + ":9:15: step 'draw': unknown option 'stpes' (did you mean 'steps'?)"), r.err());
        JsonNode json = cli("pipeline", "validate", "--json", bad.toString()).json();
        assertEquals(false, json.get("valid").asBoolean());
        assertEquals(2, json.get("problems").size());
    }

    @Test
    void runWritesEveryOutputAndReportsSteps() throws IOException {
        Path out = tmp.resolve("demo-out");
        Result r = cli("run", "../config/pipelines/echo-demo.yaml", "--input", "prompt=a red fox", "--output",
                out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("a 96x64 picture, mostly red\n", Files.readString(out.resolve("caption.txt")));
        assertEquals("a red fox\n", Files.readString(out.resolve("continuation.txt")));
        assertEquals(16_000, WavCodec.read(out.resolve("speech.wav")).sampleRate());
        assertEquals("a red fox", JSON.readTree(out.resolve("transcript.json").toFile()).get("text").asText());

        JsonNode json = cli("run", "--json", "../config/pipelines/echo-demo.yaml", "--input", "prompt=a red fox").json();
        assertEquals("a red fox", json.get("outputs").get("continuation").get("value").asText());
        assertEquals(5, json.get("steps").size());

        Path prompt = tmp.resolve("prompt.txt");
        Files.writeString(prompt, "a blue boat");
        Path textOnly = tmp.resolve("text-only.yaml");
        Files.writeString(textOnly, "name: t\ninputs: {p: text}\nsteps:\n  s: {task: text-to-text, model: echo-tiny, input: p}\n"
                + "outputs: {text: s.text}\n");
        Result printed = cli("run", textOnly.toString(), "-i", "p=@" + prompt);
        assertEquals("a blue boat\n", printed.out());
    }

    @Test
    void runRefusesBadInputsBeforeLoadingAnything() {
        Result missing = cli("run", "../config/pipelines/echo-demo.yaml", "--output", tmp.resolve("x").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("prompt"), missing.err());

        Result unknown = cli("run", "../config/pipelines/echo-demo.yaml", "-i", "promt=hi", "-o", tmp.resolve("y").toString());
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("did you mean 'prompt'"), unknown.err());

        Result noOutputDir = cli("run", "../config/pipelines/echo-demo.yaml", "-i", "prompt=hi");
        assertEquals(2, noOutputDir.status());
        assertTrue(noOutputDir.err().contains("--output"), noOutputDir.err());
    }

    @Test
    void aFailingRunExitsWithOneAndNamesTheStep() throws IOException {
        Path models = tmp.resolve("failing-models");
        EchoExport.write(models.resolve("picky"));
        Files.writeString(models.resolve("picky/genloom-model.yaml"), "options: {failOn: boom}\n");
        Path file = tmp.resolve("picky.yaml");
        Files.writeString(file, "name: p\ninputs: {p: text}\nsteps:\n  judge: {task: text-to-text, model: picky, input: p}\n"
                + "outputs: {text: judge.text}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(new String[] {"--plugins", EchoFixtures.folder().toString(), "--models",
            models.toString(), "-q", "run", file.toString(), "-i", "p=boom"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(1, status);
        assertTrue(err.toString().contains("step 'judge' (text-to-text on model 'picky') failed"), err.toString());
    }
}
