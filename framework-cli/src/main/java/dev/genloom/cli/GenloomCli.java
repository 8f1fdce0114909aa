package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.GenloomException;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code genloom} command. Exit status: 0 success, 2 bad usage or invalid input (a pipeline
 * that does not validate, a model that does not resolve, an option out of range), 1 a failure
 * while running.
 */
@Command(name = "genloom", mixinStandardHelpOptions = true, versionProvider = GenloomCli.Version.class,
        description = "Multimodal generative models on the JVM: ONNX models through ONNX Runtime, PF4J plugins, "
                + "YAML pipelines.",
        subcommands = {PluginsCommand.class, ModelsCommand.class, FetchCommand.class, PipelineCommand.class, RunCommand.class,
            TextToTextCommand.class, SpeechToTextCommand.class, ImageToTextCommand.class, TextToImageCommand.class,
            TextToAudioCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class GenloomCli implements Runnable {

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "genloom.yaml to read (default: $GENLOOM_HOME/genloom.yaml where present)")
    Path config;

    @Option(names = "--plugins", scope = ScopeType.INHERIT, paramLabel = "DIR", split = "${sys:path.separator}",
            description = "plugin folder(s) (default: $GENLOOM_PLUGINS, else <home>/plugins)")
    List<Path> plugins;

    @Option(names = "--models", scope = ScopeType.INHERIT, paramLabel = "DIR", split = "${sys:path.separator}",
            description = "model folder(s), searched in order (default: $GENLOOM_MODELS, else <home>/models)")
    List<Path> models;

    @Option(names = "--device", scope = ScopeType.INHERIT, paramLabel = "DEVICE",
            description = "auto, cpu, cuda or cuda:N (default: $GENLOOM_DEVICE, else auto)")
    String device;

    @Option(names = "--threads", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "threads per operator (default: 0 = ONNX Runtime's choice)")
    Integer threads;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "machine-readable output")
    boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "log warnings and errors only")
    boolean quiet;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "give a command; genloom help lists them");
    }

    /** Opens the runtime as the global options say. */
    Genloom open() {
        Genloom.Builder b = Genloom.builder().configFile(config);
        if (plugins != null) {
            plugins.forEach(b::pluginsDir);
        }
        if (models != null) {
            models.forEach(b::modelsDir);
        }
        if (device != null) {
            b.device(device);
        }
        if (threads != null) {
            b.threads(threads);
        }
        return b.build();
    }

    boolean json() {
        return json;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI and returns its exit status (for tests and embedding). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        configureLogging(args);
        GenloomCli cli = new GenloomCli();
        CommandLine cmd = new CommandLine(cli);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean asJson = cli.json;
            if (e instanceof GenloomException g) {
                report(err, out, asJson, g.kind().name(), g.describe());
                return g.kind().exitCode();
            }
            if (e instanceof CommandLine.ParameterException) {
                throw e;
            }
            report(err, out, asJson, "FAILURE", e.toString());
            if (!cli.quiet) {
                e.printStackTrace(err);
            }
            return 1;
        });
        return cmd.execute(args);
    }

    private static void report(PrintWriter err, PrintWriter out, boolean json, String kind, String message) {
        if (json) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.putObject("error").put("kind", kind).put("message", message);
            out.println(node.toPrettyString());
        }
        err.println("genloom: " + message);
        err.flush();
    }

    private static void configureLogging(String[] args) {
        boolean quiet = List.of(args).contains("-q") || List.of(args).contains("--quiet");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.genloom", quiet ? "warn" : "info");
        // DJL probes for a GPU at start and warns when it finds none; its CPU build is what we use
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showLogName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GenloomCli.class.getPackage().getImplementationVersion();
            return new String[] {"genloom " + (v == null ? "(development build)" : v)};
        }
    }
}
