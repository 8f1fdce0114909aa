package dev.genloom.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the commands that run one model share: the model and its family. */
abstract class ModelCommand extends RuntimeCommand {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "model name (a folder in the model directories) or path")
    String model;

    @Option(names = "--family", paramLabel = "FAMILY",
            description = "the family to load the model with, where several plugins claim its folder")
    String family;

    /** Options by name, leaving out those not given. */
    static Map<String, Object> given(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                out.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return out;
    }
}
