package dev.genloom.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A one-shot run registers only the command it names; everything else sees every command. */
class CommandRegistrationTest {

    private static Set<String> registered(String... args) {
        return new TreeSet<>(GenloomCli.commandLine(new GenloomCli(), args).getSubcommands().keySet());
    }

    @Test
    void aNamedCommandIsRegisteredAlone() {
        assertEquals(Set.of("text-to-text"), registered("text-to-text", "-m", "gpt2", "hello"));
        assertEquals(Set.of("text-to-text"), registered("--json", "--models", "plugins", "text-to-text", "-m", "x"),
                "a global option's value (a folder named like a command) is not the command");
        assertEquals(Set.of("speech-to-text"), registered("--device=cpu", "-q", "speech-to-text", "a.wav"));
        assertEquals(Set.of("bench"), registered("bench", "text", "-m", "x"));
    }

    @Test
    void helpAnUnknownCommandOrNoneSeeEveryCommand() {
        int all = GenloomCli.COMMANDS.size();
        assertEquals(all, registered("help", "text-to-text").size());
        assertEquals(all, registered("txt-to-text").size());
        assertEquals(all, registered("--help").size());
        assertEquals(all, registered().size());
        assertEquals(all, GenloomCli.commandLine(new GenloomCli()).getSubcommands().size());
        assertNull(GenloomCli.commandNamed(new String[] {"--", "text-to-text"}));
    }

    @Test
    void theOptionsWithValuesAreGenloomsOwn() {
        Set<String> withValues = new TreeSet<>();
        for (OptionSpec o : new CommandLine(new GenloomCli()).getCommandSpec().options()) {
            if (o.arity().max() > 0) {
                withValues.addAll(List.of(o.names()));
            }
        }
        assertEquals(withValues, new TreeSet<>(GenloomCli.OPTIONS_WITH_VALUES));
    }

    @Test
    void aLoneCommandStillTakesTheGlobalOptions() {
        CommandLine cmd = GenloomCli.commandLine(new GenloomCli(), new String[] {"text-to-text"});
        CommandLine.ParseResult parsed = cmd.parseArgs("text-to-text", "--json", "--device", "cpu", "-m", "x", "hi");
        assertEquals(List.of("hi"), parsed.subcommand().matchedPositional(0).getValue());
        assertEquals(true, ((GenloomCli) cmd.getCommand()).json());
    }
}
