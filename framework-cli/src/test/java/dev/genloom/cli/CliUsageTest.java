package dev.genloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} and {@code --version} on every command, and parse errors under {@code --json}. */
class CliUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int status, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    /** Every command and subcommand the genloom command registers, as the words that name it. */
    static List<List<String>> commands() {
        List<List<String>> out = new ArrayList<>();
        collect(GenloomCli.commandLine(new GenloomCli()), new ArrayList<>(), out);
        return out;
    }

    private static void collect(CommandLine c, List<String> path, List<List<String>> out) {
        for (var e : c.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void everyCommandPrintsItsUsageAndExitsZero() {
        List<List<String>> commands = commands();
        assertEquals(25, commands.size(), commands.toString()); // 16 under genloom, pipeline validate, 8 benchmarks
        for (List<String> command : commands) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(command);
                args.add(flag);
                Result r = cli(args.toArray(String[]::new));
                assertEquals(0, r.status(), args + ": " + r.err());
                String usage = "Usage: genloom " + String.join(" ", command);
                assertTrue(r.out().contains(usage), args + " prints its usage: " + r.out());
                assertEquals("", r.err(), args.toString());
            }
        }
        Result root = cli("--help");
        assertEquals(0, root.status());
        assertTrue(root.out().startsWith("Usage: genloom "), root.out());
    }

    @Test
    void helpNamesEveryOptionOfTheRecordAndTheOlderSpelling() {
        Result r = cli("text-to-image", "--help");
        assertTrue(r.out().contains("--guidance-scale=G"), r.out());
        assertTrue(r.out().contains("--guidance"), r.out());
        assertTrue(r.out().contains("--negative-prompt=TEXT"), r.out());
        Result speech = cli("speech-to-text", "--help");
        assertTrue(speech.out().contains("--beams=N"), speech.out());
        assertTrue(speech.out().contains("--format=FORMAT"), speech.out());
    }

    @Test
    void versionPrintsTheVersionOnEveryCommand() {
        Result r = cli("--version");
        assertEquals(0, r.status(), r.err());
        String first = r.out().lines().findFirst().orElse("");
        assertTrue(first.matches("genloom \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), first);
        assertTrue(r.out().contains("Java " + System.getProperty("java.version")), r.out());
        for (List<String> command : List.of(List.of("text-to-text"), List.of("plugins"), List.of("pipeline", "validate"))) {
            List<String> args = new ArrayList<>(command);
            args.add("--version");
            Result v = cli(args.toArray(String[]::new));
            assertEquals(0, v.status(), args + ": " + v.err());
            assertEquals(r.out(), v.out(), args.toString());
        }
    }

    @Test
    void parseErrorsUnderJsonAreJsonOnStdoutWithExitTwo() throws IOException {
        List<String[]> cases = List.of(
                new String[] {"text-to-text", "-m", "echo-tiny", "--no-such-flag", "--json", "hi"},
                new String[] {"--json", "text-to-text", "-m", "echo-tiny", "--temperature", "abc", "hi"},
                // --json after the option that does not parse: picocli never got to it
                new String[] {"text-to-text", "--temperature", "abc", "-m", "echo-tiny", "--json", "hi"},
                new String[] {"--json", "text-to-text", "hi"},
                new String[] {"--json", "plugin"},
                new String[] {"--json"});
        List<String> mentions = List.of("--no-such-flag", "'abc' is not a double", "'abc' is not a double", "--model",
                "'plugin'", "give a command");
        for (int i = 0; i < cases.size(); i++) {
            Result r = cli(cases.get(i));
            String what = String.join(" ", cases.get(i));
            assertEquals(2, r.status(), what + ": " + r.err());
            JsonNode error = r.json().get("error");
            assertEquals("INVALID_INPUT", error.get("kind").asText(), what);
            assertTrue(error.get("message").asText().contains(mentions.get(i)), what + ": " + error);
            assertEquals(1, r.json().size(), r.out());
            assertTrue(r.err().startsWith("genloom: "), what + ": " + r.err());
        }
        Result plugin = cli("--json", "plugin");
        assertTrue(plugin.json().get("error").get("message").asText().contains("did you mean plugins"), plugin.out());
    }

    @Test
    void parseErrorsWithoutJsonPrintTheUsageOnStderrAsBefore() {
        Result r = cli("text-to-text", "-m", "echo-tiny", "--temperature", "abc", "hi");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Invalid value for option '--temperature': 'abc' is not a double"), r.err());
        assertTrue(r.err().contains("Usage: genloom text-to-text"), r.err());
        assertFalse(r.err().contains("\"error\""), r.err());
    }
}
