package dev.genloom.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Progress bars on stderr where stderr is a terminal, and nothing elsewhere (nor with
 * {@code --json}): so {@code genloom speech-to-text talk.mp3 --format vtt > talk.vtt} shows its bar
 * while the subtitles go to the file. Commands open bars through a {@link Factory}, which a test can
 * replace to see what bars a command opens and how far they go.
 */
final class ProgressBars {
    /** The system property the launcher sets to say whether stderr is a terminal ({@code true|false}). */
    static final String STDERR_TERMINAL = "genloom.stderr.terminal";

    private ProgressBars() {
    }

    /**
     * How a bar counts: the unit it shows, how many of the counted amounts make one unit, and
     * whether it shows the rate.
     *
     * @param name  what the bar shows after its numbers ("s", "MiB"), or "" for plain counts
     * @param per   counted amounts per shown unit (1000 where the bar counts milliseconds and shows seconds)
     * @param speed show the rate (units per second)
     */
    record Unit(String name, long per, boolean speed) {
        /** Plain counts (pipeline steps' progress, whatever the step counts). */
        static final Unit COUNT = new Unit("", 1, false);
        /** Denoising steps. */
        static final Unit STEPS = new Unit("steps", 1, false);
        /** Seconds of audio, counted in milliseconds. */
        static final Unit AUDIO_SECONDS = new Unit("s", 1000, false);

        /** Bytes, shown in KiB or MiB as suits the total (-1: not known), with the rate. */
        static Unit bytes(long total) {
            return total >= 0 && total < (64L << 20) ? new Unit("KiB", 1 << 10, true) : new Unit("MiB", 1 << 20, true);
        }
    }

    /** One bar; closing it draws it one last time and leaves the line. */
    interface Bar extends AutoCloseable {
        /** A bar that shows nothing. */
        Bar NONE = new Bar() {
            @Override
            public void update(long done, long total) {
            }

            @Override
            public void close() {
            }
        };

        /** How far the work has come, and its total where it is now known ({@code <= 0}: unchanged). */
        void update(long done, long total);

        /** A note after the bar (the file being downloaded, say). */
        default void message(String text) {
        }

        @Override
        void close();
    }

    /** Where bars come from. */
    interface Factory {
        /** No bars. */
        Factory NONE = (task, unit, total) -> Bar.NONE;

        /**
         * Opens a bar.
         *
         * @param task  what the bar is about (a file name, a step)
         * @param unit  what it counts
         * @param total the total in counted amounts, or -1 while it is not known
         */
        Bar open(String task, Unit unit, long total);
    }

    /** Bars drawn on stderr by the progressbar library. */
    static Factory terminal() {
        return terminal(System.err);
    }

    static Factory terminal(PrintStream stream) {
        return (task, unit, total) -> {
            ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total > 0 ? total : -1)
                    .setUnit(unit.name().isEmpty() ? "" : " " + unit.name(), unit.per())
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(stream))
                    .setUpdateIntervalMillis(100);
            if (unit.speed()) {
                b.showSpeed();
            }
            ProgressBar bar = b.build();
            return new Bar() {
                @Override
                public void update(long done, long max) {
                    if (max > 0) {
                        bar.maxHint(max);
                    }
                    bar.stepTo(done);
                }

                @Override
                public void message(String text) {
                    bar.setExtraMessage(text);
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        };
    }

    /** Whether a command should draw bars: not for {@code --json}, and only where stderr is a terminal. */
    static boolean wanted(boolean json, boolean stderrIsTerminal) {
        return !json && stderrIsTerminal;
    }

    /** Whether this process's stderr is a terminal, as best Java 17 can tell. */
    static boolean stderrIsTerminal() {
        return stderrIsTerminal(System.getProperty(STDERR_TERMINAL), Path.of("/proc/self/fd/2"),
                System.console() != null);
    }

    /**
     * Whether stderr is a terminal: what the launcher said ({@code -Dgenloom.stderr.terminal}, from
     * the shell's {@code [ -t 2 ]}) where it said it; else, on Linux, where file descriptor 2 leads
     * ({@code /dev/pts/N} or a {@code /dev/tty}); else whether the JVM has a console (which in Java 17
     * follows stdin and stdout, the best left).
     *
     * @param property the launcher's word, or null
     * @param fd2      the link naming stderr's file ({@code /proc/self/fd/2})
     * @param console  whether {@link System#console()} is there
     */
    static boolean stderrIsTerminal(String property, Path fd2, boolean console) {
        if (property != null && !property.isBlank()) {
            return Boolean.parseBoolean(property.trim().toLowerCase(Locale.ROOT));
        }
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return console;
        }
    }
}
