package dev.genloom.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** A command directly under {@code genloom}: the global options and where to print. */
abstract class RuntimeCommand {
    @ParentCommand
    GenloomCli root;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Says what the command is doing now ("reading talk.mp3"), for the message should memory run out. */
    void doing(String what) {
        root.doing(what);
    }

    /** Where this command's progress bars come from. */
    ProgressBars.Factory bars() {
        return root.bars();
    }
}
