package dev.genloom.cli;

import dev.genloom.runtime.Genloom;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the commands that run one model share: the model, its family, and the options of the
 * task's options record, declared once in the command's {@link OptionTable}.
 */
abstract class ModelCommand extends RuntimeCommand {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "model name (a folder in the model directories) or path")
    String model;

    @Option(names = "--family", paramLabel = "FAMILY",
            description = "the family to load the model with, where several plugins claim its folder")
    String family;

    /** The runtime as the global options say, ONNX Runtime starting meanwhile (a model is about to load). */
    Genloom open() {
        Genloom genloom = root.open();
        genloom.startSessions();
        return genloom;
    }

    /** The options of the task's options record this command offers. */
    abstract OptionTable<?> options();

    /** Picocli hands over each command's spec as it builds it: the table's options join the annotated ones. */
    @Spec
    void declareOptions(CommandSpec spec) {
        options().declare(spec);
    }
}
