package dev.genloom.cli;

import dev.genloom.api.media.Audio;
import dev.genloom.runtime.EchoFixtures;
import dev.genloom.runtime.media.WavCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the commands draw progress bars, and what the bars count. */
class ProgressBarsTest {
    @TempDir
    static Path tmp;
    static Path models;

    @BeforeAll
    static void models() throws IOException {
        models = EchoFixtures.modelsWithEcho(tmp);
    }

    /** A bar as a command opened it and drove it. */
    static final class RecordedBar implements ProgressBars.Bar {
        final String task;
        final ProgressBars.Unit unit;
        final long openedWith;
        long done = -1;
        long total;
        int updates;
        final List<String> messages = new ArrayList<>();
        boolean closed;

        RecordedBar(String task, ProgressBars.Unit unit, long total) {
            this.task = task;
            this.unit = unit;
            this.openedWith = total;
            this.total = total;
        }

        @Override
        public synchronized void update(long done, long total) {
            assertFalse(closed, "updated after closing");
            this.done = done;
            if (total > 0) {
                this.total = total;
            }
            updates++;
        }

        @Override
        public synchronized void message(String text) {
            messages.add(text);
        }

        @Override
        public synchronized void close() {
            closed = true;
        }
    }

    /** Records every bar a command opens. */
    static final class Recorder implements ProgressBars.Factory {
        final List<RecordedBar> bars = Collections.synchronizedList(new ArrayList<>());

        @Override
        public ProgressBars.Bar open(String task, ProgressBars.Unit unit, long total) {
            RecordedBar b = new RecordedBar(task, unit, total);
            bars.add(b);
            return b;
        }
    }

    static int cli(Recorder bars, String... args) {
        List<String> all = new ArrayList<>(List.of("--plugins", EchoFixtures.folder().toString(),
                "--models", models.toString(), "--device", "cpu", "-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GenloomCli.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), bars);
        assertEquals(0, status, err.toString());
        return status;
    }

    @Test
    void barsFollowStderrNotStdout() throws IOException {
        Path tty = tmp.resolve("fd2-tty");
        Files.createSymbolicLink(tty, Path.of("/dev/pts/3"));
        Path file = tmp.resolve("fd2-file");
        Files.createSymbolicLink(file, tmp.resolve("talk.vtt"));
        Path pipe = tmp.resolve("fd2-pipe");
        Files.createSymbolicLink(pipe, Path.of("pipe:[4711]"));
        Path none = tmp.resolve("no-such-link");

        // where fd 2 leads, whatever the console (stdout) says
        assertTrue(ProgressBars.stderrIsTerminal(null, tty, false));
        assertFalse(ProgressBars.stderrIsTerminal(null, file, true));
        assertFalse(ProgressBars.stderrIsTerminal(null, pipe, true));
        // the launcher's word wins
        assertTrue(ProgressBars.stderrIsTerminal("true", file, false));
        assertFalse(ProgressBars.stderrIsTerminal("false", tty, true));
        // no way to tell (no /proc): the console, the best Java 17 has
        assertTrue(ProgressBars.stderrIsTerminal(null, none, true));
        assertFalse(ProgressBars.stderrIsTerminal(null, none, false));

        assertTrue(ProgressBars.wanted(false, true));
        assertFalse(ProgressBars.wanted(true, true));
        assertFalse(ProgressBars.wanted(false, false));
    }

    @Test
    void theSpeechBarCountsSecondsOfAudio() {
        Path wav = tmp.resolve("talk.wav");
        Recorder none = new Recorder();
        cli(none, "text-to-audio", "-m", "echo-tiny", "-o", wav.toString(), "a talk of some length, long enough to last a few seconds");
        assertEquals(List.of(), none.bars, "speaking draws no bar");
        Audio audio = WavCodec.read(wav);
        assertTrue(audio.durationSeconds() > 1, "long enough to count seconds: " + audio.durationSeconds());

        Recorder bars = new Recorder();
        cli(bars, "speech-to-text", "-m", "echo-tiny", "--format", "vtt", wav.toString());
        assertEquals(1, bars.bars.size());
        RecordedBar bar = bars.bars.get(0);
        assertEquals("talk.wav", bar.task);
        assertEquals("s", bar.unit.name());
        long millis = Math.round(audio.durationSeconds() * 1000);
        assertEquals(millis, bar.openedWith, "the total is the audio's length, counted in ms");
        assertEquals(1000, bar.unit.per(), "shown in seconds");
        assertTrue(bar.updates >= 4, "one update per segment: " + bar.updates);
        assertTrue(bar.done > millis / 2 && bar.done <= millis, bar.done + " of " + millis);
        assertTrue(bar.closed);

        Recorder json = new Recorder();
        cli(json, "speech-to-text", "-m", "echo-tiny", "--json", wav.toString());
        assertEquals(List.of(), json.bars, "--json draws no bar");
    }

    @Test
    void theImageBarCountsSteps() {
        Recorder bars = new Recorder();
        cli(bars, "text-to-image", "-m", "echo-tiny", "--steps", "5", "-o", tmp.resolve("field.png").toString(),
                "a green field");
        assertEquals(1, bars.bars.size());
        RecordedBar bar = bars.bars.get(0);
        assertEquals(ProgressBars.Unit.STEPS, bar.unit);
        assertEquals(5, bar.openedWith);
        assertEquals(5, bar.done);
        assertEquals(5, bar.updates);
        assertTrue(bar.closed);
    }

    @Test
    void aFetchIsOneBarOverEveryFile() {
        Recorder bars = new Recorder();
        try (FetchCommand.Bars listener = new FetchCommand.Bars(bars, new PrintWriter(new StringWriter()))) {
            listener.downloading("acme/tiny", 3, 3_000);
            listener.fileFinished("config.json", 100); // there already from an interrupted run
            listener.fileStarted("tokenizer.json", 900, 0);
            listener.progress("tokenizer.json", 400, 900);
            listener.progress("tokenizer.json", 900, 900);
            listener.fileFinished("tokenizer.json", 900);
            listener.fileStarted("onnx/model.onnx", 2_000, 500); // resumed
            listener.progress("onnx/model.onnx", 1_500, 2_000);
            assertEquals(1_000 + 1_500, bars.bars.get(0).done, "what the files have so far, together");
            listener.fileStarted("onnx/model.onnx", 2_000, 0); // the server ignored the resume: from the start
            listener.progress("onnx/model.onnx", 2_000, 2_000);
            listener.fileFinished("onnx/model.onnx", 2_000);
        }
        assertEquals(1, bars.bars.size());
        RecordedBar bar = bars.bars.get(0);
        assertEquals("acme/tiny", bar.task);
        assertEquals("KiB", bar.unit.name());
        assertEquals(3_000, bar.openedWith);
        assertEquals(3_000, bar.done);
        assertEquals(List.of("2/3 tokenizer.json", "3/3 onnx/model.onnx", "3/3 onnx/model.onnx"), bar.messages);
        assertTrue(bar.closed);

        // sizes not known ahead (a catalog without them): the total is what came, once every file is there
        Recorder unknown = new Recorder();
        try (FetchCommand.Bars listener = new FetchCommand.Bars(unknown, new PrintWriter(new StringWriter()))) {
            listener.downloading("acme/tiny", 2, -1);
            listener.fileStarted("config.json", -1, 0);
            listener.fileFinished("config.json", 20);
            listener.fileStarted("onnx/model.onnx", 3_000_000, 0);
            listener.fileFinished("onnx/model.onnx", 3_000_000);
        }
        assertEquals(1, unknown.bars.size());
        assertEquals(-1, unknown.bars.get(0).openedWith);
        assertEquals("MiB", unknown.bars.get(0).unit.name());
        assertEquals(3_000_020, unknown.bars.get(0).total);
        assertEquals(3_000_020, unknown.bars.get(0).done);
    }

    @Test
    void bytesAreShownInUnitsThatSuitTheTotal() {
        assertEquals("KiB", ProgressBars.Unit.bytes(30_000).name());
        assertEquals("MiB", ProgressBars.Unit.bytes(500L << 20).name());
        assertEquals("MiB", ProgressBars.Unit.bytes(-1).name());
        assertTrue(ProgressBars.Unit.bytes(-1).speed());
    }
}
