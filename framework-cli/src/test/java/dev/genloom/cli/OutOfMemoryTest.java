package dev.genloom.cli;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.runtime.EchoFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Running out of Java heap is one line (what was being read, how to give Java more) and exit
 * status 1: the CLI in a JVM of its own with a 64 MiB heap, fed more than that.
 */
class OutOfMemoryTest {
    static final long BIG = 200L << 20;

    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {
    }

    static Run genloom(Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                GenloomCli.class.getName(), "-q"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("GENLOOM_JAVA_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // it would print a line of its own on stderr
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Path out = Files.createTempFile("genloom-oom", ".out");
        Path err = Files.createTempFile("genloom-oom", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("genloom " + String.join(" ", args) + " did not finish");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static void assertOneLine(Run r, String doing) {
        assertEquals(1, r.status(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, not a stack trace:\n" + r.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("genloom: out of memory while " + doing), line);
        assertTrue(line.contains("GENLOOM_JAVA_OPTS=-Xmx1g"), line);
        assertFalse(r.err().contains("at dev.genloom"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    /** A file of BIG zero bytes, sparse where the file system allows. */
    Path zeros(String name, byte[] header) throws IOException {
        Path f = tmp.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(header.length + BIG);
        }
        return f;
    }

    @Test
    void aPromptTooBigForTheHeapIsOneLine() throws Exception {
        Path prompt = zeros("prompt.txt", "a prompt ".getBytes(StandardCharsets.UTF_8));
        assertOneLine(genloom(prompt, "text-to-text", "-m", "echo-tiny", "-"), "reading the prompt from stdin");

        Run json = genloom(prompt, "--json", "text-to-text", "-m", "echo-tiny", "-");
        assertOneLine(json, "reading the prompt from stdin");
        assertTrue(json.out().contains("\"kind\" : \"OUT_OF_MEMORY\""), json.out());
    }

    @Test
    void anAudioFileTooBigForTheHeapIsOneLineNamingIt() throws Exception {
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + BIG)).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        h.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16);
        h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) BIG);
        Path wav = zeros("talk.wav", h.array());
        // the file is opened as a stream (its header read, nothing more); the echo model reads it
        // whole, and that is where the heap runs out
        Path models = EchoFixtures.modelsWithEcho(tmp);
        assertOneLine(genloom(null, "--plugins", EchoFixtures.folder().toString(), "--models", models.toString(),
                        "speech-to-text", "-m", "echo-tiny", wav.toString()),
                "transcribing " + wav + " with model echo-tiny");
    }

    @Test
    void anOutOfMemoryErrorIsFoundBehindTheExceptionsWrappingIt() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        GenloomException wrapped = new GenloomException(ErrorKind.RUN_FAILED, "step 'draw' failed", null,
                new IllegalStateException("inside", oom));
        assertSame(oom, GenloomCli.outOfMemory(wrapped));
        assertSame(oom, GenloomCli.outOfMemory(oom));
        assertNull(GenloomCli.outOfMemory(new IllegalStateException("no")));

        String line = GenloomCli.outOfMemoryMessage("loading model gpt2", 4L << 30);
        assertEquals("out of memory while loading model gpt2 (the Java heap is limited to 4.0 GiB); run with more, "
                + "e.g. GENLOOM_JAVA_OPTS=-Xmx8g genloom ...", line);
    }
}
