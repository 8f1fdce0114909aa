package dev.genloom.cli;

import dev.genloom.api.ImageOptions;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.TextOptions;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.OptionBinder;
import dev.genloom.api.task.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model commands' options are their options records' components: every component is an
 * option named after it, and a value given on the command line lands in that very component.
 */
class ModelCommandOptionsTest {

    /** The model commands, as the genloom command registers them. */
    static List<CommandLine> modelCommands() {
        List<CommandLine> out = new ArrayList<>();
        for (CommandLine c : GenloomCli.commandLine(new GenloomCli()).getSubcommands().values()) {
            if (c.getCommand() instanceof ModelCommand) {
                out.add(c);
            }
        }
        return out;
    }

    /** The options record the command line builds for one model command (nothing runs). */
    static Record bind(String command, List<String> options) {
        List<String> args = new ArrayList<>(List.of(command, "-m", "some-model"));
        CommandLine sub = GenloomCli.commandLine(new GenloomCli()).getSubcommands().get(command);
        if (sub.getCommandSpec().findOption("--output") != null) {
            args.addAll(List.of("-o", "out.file"));
        }
        if (sub.getCommandSpec().findOption("--image") != null) {
            args.addAll(List.of("--image", "in.png"));
        }
        args.addAll(options);
        args.add("positional");
        ParseResult parsed = GenloomCli.commandLine(new GenloomCli()).parseArgs(args.toArray(String[]::new));
        CommandSpec spec = parsed.subcommand().commandSpec();
        return ((ModelCommand) spec.userObject()).options().bind(spec);
    }

    @Test
    void everyModelCommandHasATable() {
        Set<String> names = new HashSet<>();
        modelCommands().forEach(c -> names.add(c.getCommandName()));
        assertEquals(Set.of("text-to-text", "speech-to-text", "image-to-text", "text-to-image", "image-to-image",
                "text-to-audio", "embed"), names);
    }

    /**
     * Record components that are no option, by command: the initial latents (an array, for the API
     * alone) and image-to-image's prompt (the command's positional text).
     */
    static final Map<String, Set<String>> NOT_OPTIONS = Map.of("text-to-image", Set.of("latents"),
            "image-to-image", Set.of("prompt"));

    @Test
    void everyRecordComponentIsAnOptionAndItsValueLandsThere(@TempDir Path dir) throws Exception {
        Image mask = new Image(1, 2, new byte[] {(byte) 255, (byte) 255, (byte) 255, 0, 0, 0});
        Path maskFile = dir.resolve("mask.png");
        mask.writePng(maskFile);
        int checked = 0;
        for (CommandLine c : modelCommands()) {
            ModelCommand command = c.getCommand();
            Class<? extends Record> type = command.options().task().optionsType();
            Set<String> skipped = NOT_OPTIONS.getOrDefault(c.getCommandName(), Set.of());
            Set<String> expectedNames = new HashSet<>(OptionBinder.names(type));
            expectedNames.removeAll(skipped);
            assertEquals(expectedNames, new HashSet<>(command.options().components()),
                    c.getCommandName() + " offers every option of " + type.getSimpleName());
            for (RecordComponent rc : type.getRecordComponents()) {
                if (skipped.contains(rc.getName())) {
                    continue;
                }
                String name = OptionTable.optionName(rc.getName());
                assertNotNull(c.getCommandSpec().findOption(name), c.getCommandName() + " has " + name);
                Class<?> t = rc.getType();
                List<String> given;
                Object expected;
                if (t == boolean.class || t == Boolean.class) {
                    given = List.of(name);
                    expected = true;
                } else if (t == int.class || t == Integer.class) {
                    given = List.of(name, "8");
                    expected = 8;
                } else if (t == long.class || t == Long.class) {
                    given = List.of(name, "8");
                    expected = 8L;
                } else if (t == double.class || t == Double.class) {
                    given = List.of(name, "0.5");
                    expected = 0.5;
                } else if (t == String.class) {
                    given = List.of(name, "a {}");
                    expected = "a {}";
                } else if (t == List.class) {
                    given = List.of(name, "a {}");
                    expected = List.of("a {}");
                } else if (t == Image.class) {
                    given = List.of(name, maskFile.toString());
                    expected = mask;
                } else if (t.isEnum()) {
                    Object last = t.getEnumConstants()[t.getEnumConstants().length - 1];
                    given = List.of(name, ((Enum<?>) last).name().toLowerCase(Locale.ROOT));
                    expected = last;
                } else {
                    throw new AssertionError("no sample value for " + rc);
                }
                Record bound = bind(c.getCommandName(), given);
                assertEquals(expected, rc.getAccessor().invoke(bound), c.getCommandName() + " " + given);
                if (t == Boolean.class || t == boolean.class) {
                    Record negated = bind(c.getCommandName(), List.of("--no-" + name.substring(2)));
                    assertEquals(false, rc.getAccessor().invoke(negated), c.getCommandName() + " --no-" + name);
                }
                checked++;
            }
        }
        assertEquals(12 + 5 + 3 + 10 + 9 + 6 + 3, checked);   // ... ImageOptions, ImageToImageOptions, ..., EmbeddingOptions
    }

    @Test
    void optionsNotGivenKeepTheRecordsDefaults() {
        assertEquals(TextOptions.defaults(), bind("text-to-text", List.of()));
        assertEquals(ImageOptions.defaults(), bind("text-to-image", List.of()));
    }

    @Test
    void theOlderSpellingsStillWork() {
        TextOptions text = (TextOptions) bind("text-to-text", List.of("--sample", "--truncate"));
        assertEquals(Boolean.TRUE, text.doSample());
        assertTrue(text.truncatePrompt());
        assertEquals(Boolean.FALSE, ((TextOptions) bind("text-to-text", List.of("--no-sample"))).doSample());
        assertEquals(7.5, ((ImageOptions) bind("text-to-image", List.of("--guidance", "7.5"))).guidanceScale());
        ImageToTextOptions labels = (ImageToTextOptions) bind("image-to-text",
                List.of("-l", "a cat,a dog", "--label", "a bird", "--template", "a photo of {}"));
        assertEquals(List.of("a cat", "a dog", "a bird"), labels.labels());
        assertEquals("a photo of {}", labels.labelTemplate());
    }

    @Test
    void aNameThatIsNoComponentIsRefusedWhenTheTableIsBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptionTable.of(Tasks.TEXT_TO_IMAGE).option("guidance", "G", "classifier-free guidance"));
        assertTrue(e.getMessage().contains("ImageOptions has no component 'guidance'"), e.getMessage());
        assertTrue(e.getMessage().contains("guidanceScale"), e.getMessage());

        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> OptionTable.of(Tasks.TEXT_TO_AUDIO).option("seed", "S", "seed").option("seed", "S", "seed"));
        assertTrue(twice.getMessage().contains("seed"), twice.getMessage());
    }

    @Test
    void optionNamesAreTheComponentsInKebabCase() {
        assertEquals("--max-new-tokens", OptionTable.optionName("maxNewTokens"));
        assertEquals("--top-p", OptionTable.optionName("topP"));
        assertEquals("--seed", OptionTable.optionName("seed"));
        assertFalse(OptionTable.optionName("guidanceScale").contains("S"));
    }
}
