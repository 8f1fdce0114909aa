package dev.genloom.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on the terminal, or nothing where output is not a terminal or is JSON. */
final class ProgressBars implements AutoCloseable {
    private final ProgressBar bar;

    private ProgressBars(ProgressBar bar) {
        this.bar = bar;
    }

    static boolean wanted(boolean json) {
        return !json && System.console() != null;
    }

    static ProgressBars open(String task, String unit, boolean enabled) {
        if (!enabled) {
            return new ProgressBars(null);
        }
        return new ProgressBars(new ProgressBarBuilder().setTaskName(task).setUnit(" " + unit, 1).setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(100).build());
    }

    void update(long done, long total) {
        if (bar != null) {
            if (total > 0) {
                bar.maxHint(total);
            }
            bar.stepTo(done);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
