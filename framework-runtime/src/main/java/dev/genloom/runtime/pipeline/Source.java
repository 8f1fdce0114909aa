package dev.genloom.runtime.pipeline;

/** Where a step input or a pipeline output takes its value from. */
public sealed interface Source {

    /** A pipeline input, by name. */
    record Input(String name) implements Source {
        @Override
        public String toString() {
            return name;
        }
    }

    /** An output port of a step. */
    record StepOutput(String step, String port) implements Source {
        @Override
        public String toString() {
            return step + "." + port;
        }
    }
}
