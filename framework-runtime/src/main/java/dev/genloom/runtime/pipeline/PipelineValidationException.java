package dev.genloom.runtime.pipeline;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline document that does not validate. Holds every problem found, not only the first; its
 * message is all of them, one per line, each as {@code file:line:column: message}.
 */
public class PipelineValidationException extends GenloomException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public PipelineValidationException(List<Problem> problems) {
        super(ErrorKind.INVALID_PIPELINE, render(problems), "fix the pipeline document and try again");
        this.problems = List.copyOf(problems);
    }

    /** The problems, in the order they appear in the document. */
    public List<Problem> problems() {
        return problems;
    }

    private static String render(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a validation failure needs at least one problem");
        }
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }
}
