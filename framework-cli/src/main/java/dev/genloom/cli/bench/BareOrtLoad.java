package dev.genloom.cli.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

import java.util.Locale;

/**
 * The floor of a Java start-up: a JVM that opens one ONNX Runtime session on a file with the
 * default options (every optimisation, by path) and exits, run with ONNX Runtime's jar alone on the
 * class path ({@code framework-cli/bench/startup.sh} compares a Genloom run against it). Prints
 * {@code {"envMillis": ..., "sessionMillis": ..., "inputs": ...}} on stderr.
 *
 * <p>Run as {@code java -cp genloom-cli.jar:lib/onnxruntime-VERSION.jar dev.genloom.cli.bench.BareOrtLoad
 * FILE.onnx [disable|basic|extended|all]}.
 */
public final class BareOrtLoad {

    private BareOrtLoad() {
    }

    public static void main(String[] args) throws OrtException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BareOrtLoad FILE.onnx [disable|basic|extended|all]");
            System.exit(2);
        }
        long start = System.nanoTime();
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "bare");
        long started = System.nanoTime();
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(level(args.length > 1 ? args[1] : "all"));
            try (OrtSession session = env.createSession(args[0], options)) {
                long opened = System.nanoTime();
                System.err.printf(Locale.ROOT, "{\"envMillis\": %.1f, \"sessionMillis\": %.1f, \"inputs\": %d}%n",
                        (started - start) / 1e6, (opened - started) / 1e6, session.getNumInputs());
            }
        }
    }

    private static OptLevel level(String name) {
        return switch (name) {
            case "disable" -> OptLevel.NO_OPT;
            case "basic" -> OptLevel.BASIC_OPT;
            case "extended" -> OptLevel.EXTENDED_OPT;
            case "all" -> OptLevel.ALL_OPT;
            default -> throw new IllegalArgumentException("optimisation level '" + name
                    + "' is not one of disable, basic, extended, all");
        };
    }
}
