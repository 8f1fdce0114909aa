package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.task.Tasks;
import dev.genloom.api.task.ValueType;
import dev.genloom.runtime.config.YamlFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineValidationTest {

    /** Parses an error document and checks its problems: "line:column: fragment of the message", in order. */
    private static PipelineValidationException expect(String name, String... problems) {
        String path = "pipelines/errors/" + name;
        PipelineValidationException e = assertThrows(PipelineValidationException.class, () -> Fakes.load(path));
        List<Problem> got = e.problems();
        StringBuilder all = new StringBuilder();
        got.forEach(p -> all.append("\n  ").append(p));
        assertEquals(problems.length, got.size(), "problems of " + name + ":" + all);
        for (int i = 0; i < problems.length; i++) {
            String[] parts = problems[i].split(": ", 2);
            String[] at = parts[0].split(":");
            Problem p = got.get(i);
            assertEquals(path, p.file());
            assertEquals(Integer.parseInt(at[0]), p.line(), "line of " + p);
            assertEquals(Integer.parseInt(at[1]), p.column(), "column of " + p);
            assertTrue(p.message().contains(parts[1]), "'" + p.message() + "' should say '" + parts[1] + "'");
        }
        assertEquals(ErrorKind.INVALID_PIPELINE, e.kind());
        // The message is every problem, one per line, each as file:line:column: message.
        List<String> lines = e.getMessage().lines().toList();
        assertEquals(got.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Problem p = got.get(i);
            assertEquals(path + ":" + p.line() + ":" + p.column() + ": " + p.message(), lines.get(i));
        }
        return e;
    }

    @Test
    void theExampleDocumentValidatesIntoAGraph() {
        Pipeline p = Fakes.load("pipelines/transcribe-and-draw.yaml");
        assertEquals("transcribe-and-draw", p.name());
        assertEquals("optional text", p.description());
        assertEquals(List.of("speech", "style"), List.copyOf(p.inputs().keySet()));
        assertEquals(ValueType.AUDIO, p.inputs().get("speech").type());
        assertTrue(p.inputs().get("speech").required());
        assertEquals("watercolour", p.inputs().get("style").defaultValue());
        assertEquals("how the picture looks", p.inputs().get("style").description());
        // dependency order, although 'draw' comes first in the file
        assertEquals(List.of("transcribe", "draw", "restyle"), p.steps().stream().map(Step::name).toList());
        Step draw = p.step("draw").orElseThrow();
        assertEquals(Tasks.TEXT_TO_IMAGE, draw.task());
        assertEquals("sd-turbo", draw.model());
        assertEquals(Map.of("prompt", new Source.StepOutput("transcribe", "text")), draw.inputs());
        assertEquals(List.of("transcribe"), draw.dependencies());
        ImageOptions image = (ImageOptions) draw.options();
        assertEquals(2, image.steps());
        assertEquals(42L, image.seed());
        TranscriptionOptions speech = (TranscriptionOptions) p.step("transcribe").orElseThrow().options();
        assertEquals("en", speech.language());
        assertTrue(speech.timestamps());
        assertEquals(Map.of("audio", new Source.Input("speech")), p.step("transcribe").orElseThrow().inputs());
        assertEquals(20, ((TextOptions) p.step("restyle").orElseThrow().options()).maxNewTokens());
        assertEquals(Map.of("picture", new Source.StepOutput("draw", "image"),
                "words", new Source.StepOutput("transcribe", "text"),
                "segments", new Source.StepOutput("transcribe", "transcript"),
                "style", new Source.StepOutput("restyle", "text")), p.outputs());
        assertEquals(List.of("picture", "words", "segments", "style"), List.copyOf(p.outputs().keySet()));
        assertEquals(List.of("whisper-tiny.en", "sd-turbo", "upper"), List.copyOf(p.models()));
    }

    @Test
    void stepsWithoutOptionsGetTheTaskDefaults() {
        Pipeline p = Fakes.load("pipelines/two-branches.yaml");
        assertEquals(ImageOptions.defaults(), p.step("left").orElseThrow().options());
        assertEquals(3, ((ImageOptions) p.step("right").orElseThrow().options()).steps());
    }

    @Test
    void missingSections() {
        expect("missing-sections.yaml",
                "1:1: missing 'name'",
                "1:1: missing 'steps'",
                "1:1: missing 'outputs'");
    }

    @Test
    void unknownTopLevelKey() {
        expect("unknown-keys.yaml",
                "1:1: missing 'steps'",
                "4:1: unknown key 'stpes' in pipeline (did you mean 'steps'?); keys are name, description, inputs, steps, outputs");
    }

    @Test
    void unknownStepKeys() {
        expect("step-keys.yaml",
                "5:3: step 'shout' has no model",
                "7:5: unknown key 'modle' in step 'shout' (did you mean 'model'?)",
                "9:5: unknown key 'option' in step 'shout' (did you mean 'options'?)");
    }

    @Test
    void unknownValueType() {
        expect("unknown-type.yaml",
                "3:11: unknown type 'audoi' (did you mean 'audio'?); types are text, image, audio, transcript, labels, embedding",
                "4:19: unknown type 'pixels'; types are");
    }

    @Test
    void stepWithoutTaskOrModel() {
        expect("no-task-no-model.yaml",
                "5:3: step 'shout' has no task; tasks are text-to-text, text-to-image",
                "8:3: step 'draw' has no model");
    }

    @Test
    void unknownTask() {
        expect("unknown-task.yaml", "6:11: unknown task 'speech-to-txt' (did you mean 'speech-to-text'?)");
    }

    @Test
    void unknownOptionsWrongTypesAndBrokenConstraints() {
        expect("options.yaml",
                "9:15: step 'draw': unknown option 'stpes' (did you mean 'steps'?); options are negativePrompt",
                "9:31: step 'draw': option seed must be a whole number, got 'many'",
                "15:14: step 'sketch': steps must be at least 1, got 0",
                "20:50: step 'listen': minNewTokens (9) must not exceed maxNewTokens (4)");
    }

    @Test
    void unknownStepsInputsAndPorts() {
        expect("references.yaml",
                "8:12: 'speech' is a pipeline input, which has no outputs",
                "12:22: unknown step or input 'trancribe' (did you mean 'transcribe'?)",
                "13:3: step 'shout' input 'prompt' (text) is not fed",
                "16:14: step 'shout': text-to-text has no input 'promt' (did you mean 'prompt'?)",
                "19:10: step 'transcribe' (speech-to-text) has no output 'txt' (did you mean 'text'?); its outputs are text, transcript");
    }

    @Test
    void typeMismatches() {
        expect("type-mismatch.yaml",
                "12:22: step 'draw' input 'prompt' expects text, but 'speech' is audio",
                "16:12: step 'shout' input 'prompt' expects text, but 'transcribe.transcript' is transcript");
    }

    @Test
    void inputsNotFedAndBothInputAndInputs() {
        expect("wiring.yaml",
                "5:3: step 'shout' input 'prompt' (text) is not fed; add 'input: NAME'",
                "12:5: step 'both' has both 'input' and 'inputs'",
                "13:3: step 'join' input 'right' (text) is not fed; add it under 'inputs: {right: NAME}'");
    }

    @Test
    void cyclesAreNamed() {
        expect("cycle.yaml",
                "12:12: steps form a cycle: a -> b -> a",
                "16:12: steps form a cycle: selfish -> selfish");
    }

    @Test
    void unknownModelsAndModelsWithoutTheTask() {
        expect("models.yaml",
                "5:3: step 'transcribe' input 'audio' (audio) is not fed",
                "7:12: unknown model 'whisper-tiny.em' (did you mean 'whisper-tiny.en'?)",
                "10:12: model 'upper' does not offer text-to-image; it offers text-to-text");
    }

    @Test
    void defaultsOfTheWrongType() {
        expect("defaults.yaml",
                "3:34: input 'speech' is audio, which cannot be written in a pipeline document; only text inputs take a default",
                "4:32: the default of input 'style' must be text, not a list",
                "5:31: input 'mood' has an empty default");
    }

    @Test
    void aNameCannotBeBothAnInputAndAStep() {
        expect("name-clash.yaml", "5:3: 'text' is both an input and a step; rename one of them");
    }

    @Test
    void duplicateKeysAndAliases() {
        expect("duplicates-and-anchors.yaml",
                "2:1: duplicate key 'name' (first at line 1, column 1)",
                "10:5: duplicate key 'model' (first at line 8, column 5)",
                "12:9: aliases (*t) are not supported in pipeline documents; write the value out in full");
    }

    @Test
    void malformedYaml() {
        expect("malformed.yaml", "4:8: not valid YAML: expected ',' or '}'");
    }

    @Test
    void severalMistakesInOneFileAreAllReportedInOrder() {
        expect("many-mistakes.yaml",
                "4:17: unknown type 'txt' (did you mean 'text'?)",
                "10:15: step 'transcribe': unknown option 'languag' (did you mean 'language'?)",
                "12:11: unknown task 'text-to-imag' (did you mean 'text-to-image'?)",
                "18:12: step 'shout' input 'prompt' expects text, but 'transcribe.transcript' is transcript",
                "21:10: step 'transcribe' (speech-to-text) has no output 'words'");
    }

    @Test
    void documentsThatAreNotPipelines() {
        PipelineParser parser = Fakes.parser();
        assertProblem(() -> parser.parse("", "empty.yaml"), "empty.yaml:1:1: the document is empty");
        assertProblem(() -> parser.parse("# only a comment\n", "c.yaml"), "c.yaml:1:1: the document is empty");
        assertProblem(() -> parser.parse("\n- a\n- b\n", "list.yaml"),
                "list.yaml:2:1: a pipeline document is a mapping with name, steps and outputs, not a list");
        assertProblem(() -> parser.parse("name: x\nsteps: {}\noutputs:\n", "e.yaml"),
                "e.yaml:2:1: 'steps' is empty", "e.yaml:3:1: 'outputs' is empty");
        assertProblem(() -> parser.parse("name: [x]\nsteps:\n  s: {task: text-to-text, model: upper, input: s.x}\n"
                        + "outputs: {o: s}\n---\nname: second\n", "two.yaml"),
                "two.yaml:1:7: the pipeline's name must be a text, not a list",
                "two.yaml:3:48: step 's' (text-to-text) has no output 'x'",
                "two.yaml:6:1: a pipeline file holds one YAML document");
    }

    private static void assertProblem(org.junit.jupiter.api.function.Executable parse, String... expected) {
        PipelineValidationException e = assertThrows(PipelineValidationException.class, parse);
        List<String> got = e.problems().stream().map(Problem::toString).toList();
        assertEquals(expected.length, got.size(), String.join("\n", got));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(got.get(i).startsWith(expected[i]), got.get(i) + " should start with " + expected[i]);
        }
    }

    @Test
    void readsFilesAndNamesThemInProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, "name: mine\nsteps:\n  s: {task: text-to-txt, model: upper, input: q}\noutputs: {o: s}\n");
        PipelineValidationException e = assertThrows(PipelineValidationException.class, () -> Fakes.parser().parse(file));
        assertEquals(file + ":3:13: unknown task 'text-to-txt' (did you mean 'text-to-text'?)",
                e.problems().get(0).toString().substring(0, (file + ":3:13: unknown task 'text-to-txt' (did you mean 'text-to-text'?)").length()));
        assertEquals(file + ":3:47: unknown step or input 'q'; known are s", e.problems().get(1).toString());

        Files.writeString(file, "name: mine\ninputs: {q: text}\nsteps:\n  s: {task: text-to-text, model: upper, input: q}\n"
                + "outputs: {o: s}\n");
        Pipeline p = Fakes.parser().parse(file);
        assertEquals(file.toString(), p.source());
        assertNull(p.description());

        GenloomException missing = assertThrows(GenloomException.class, () -> Fakes.parser().parse(dir.resolve("nope.yaml")));
        assertEquals(ErrorKind.INVALID_INPUT, missing.kind());
        assertTrue(missing.getMessage().contains("nope.yaml") && missing.getMessage().contains("not found"),
                missing.getMessage());
        assertFalse(missing instanceof PipelineValidationException);
    }

    @Test
    void aFileThatIsNotUtf8TextOrTooLargeIsRefusedInWords(@TempDir Path dir) throws Exception {
        Path utf16 = Files.write(dir.resolve("u16.yaml"), "name: mine\n".getBytes(StandardCharsets.UTF_16));
        GenloomException e = assertThrows(GenloomException.class, () -> Fakes.parser().parse(utf16));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("pipeline file " + utf16 + " is not UTF-8 text: it is UTF-16, with a byte-order mark",
                e.getMessage());

        Path binary = Files.write(dir.resolve("bin.yaml"), new byte[] {'n', 'a', (byte) 0xFF, (byte) 0xFE, 'x'});
        e = assertThrows(GenloomException.class, () -> Fakes.parser().parse(binary));
        assertTrue(e.getMessage().contains("is not UTF-8 text: byte 0xFF at line 1, column 3"), e.getMessage());
        assertFalse(e.getMessage().contains("Input length"), e.getMessage());

        // one byte over the parser's limit: refused by its size, not after reading and parsing it
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(YamlFiles.MAX_BYTES + 1L);
        }
        e = assertThrows(GenloomException.class, () -> Fakes.parser().parse(big));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("is 3.0 MiB (" + (YamlFiles.MAX_BYTES + 1L) + " bytes)"), e.getMessage());
        assertTrue(e.describe().contains("the YAML parser's limit"), e.describe());

        // at the limit the parser reads it: the limit is the parser's own
        Path atLimit = dir.resolve("at-limit.yaml");
        String head = "name: mine\ninputs: {q: text}\nsteps:\n  s: {task: text-to-text, model: upper, input: q}\n"
                + "outputs: {o: s}\n";
        Files.writeString(atLimit, head + "#".repeat(YamlFiles.MAX_BYTES - head.length()));
        assertEquals(YamlFiles.MAX_BYTES, Files.size(atLimit));
        assertEquals("mine", Fakes.parser().parse(atLimit).name());
    }

    @Test
    void theDefaultParserKnowsTheBuiltInTasksOnly() {
        PipelineParser plain = new PipelineParser(Fakes.CATALOG_VIEW);
        PipelineValidationException e = assertThrows(PipelineValidationException.class,
                () -> plain.parse(Fakes.resource("pipelines/diamond.yaml"), "diamond.yaml"));
        assertEquals("diamond.yaml:6:11: unknown task 'join'; tasks are text-to-text, text-to-image, image-to-image, speech-to-text,"
                + " image-to-text, text-to-audio, text-embedding, image-embedding", e.problems().get(0).toString());
    }
}
