package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code genloom} command. Exit status: 0 success, 2 bad usage or invalid input (a pipeline
 * that does not validate, a model that does not resolve, an option out of range), 1 a failure
 * while running. With {@code --json} every error, a command line that does not parse included, is
 * also printed on stdout as {@code {"error": {"kind": ..., "message": ...}}}. Every command takes
 * {@code -h/--help} and {@code -V/--version}. Running out of Java heap is one line that says what
 * was being done and how to give the JVM more ({@code GENLOOM_JAVA_OPTS=-Xmx...}), exit status 1.
 */
@Command(name = "genloom", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = GenloomCli.Version.class,
        description = "Multimodal generative models on the JVM: ONNX models through ONNX Runtime, PF4J plugins, "
                + "YAML pipelines.")
public final class GenloomCli implements Runnable {

    /** The commands under {@code genloom}, in the order its help lists them. */
    static final List<Class<?>> COMMANDS = List.of(PluginsCommand.class, ModelsCommand.class, FetchCommand.class,
            PipelineCommand.class, RunCommand.class, TextToTextCommand.class, SpeechToTextCommand.class,
            ImageToTextCommand.class, TextToImageCommand.class, ImageToImageCommand.class, TextToAudioCommand.class, EmbedCommand.class,
            IndexCommand.class, SearchCommand.class, BenchCommand.class, CommandLine.HelpCommand.class);

    /** The options of {@code genloom} that take a value, so that a value is not taken for a command's name. */
    static final Set<String> OPTIONS_WITH_VALUES = Set.of("--config", "--plugins", "--models", "--device", "--threads");

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

    /** What the command is doing now, for the message should the Java heap run out. */
    private volatile String doing;

    /** Where progress bars go where they are wanted: the terminal, or a test's recorder. */
    private ProgressBars.Factory terminalBars = ProgressBars.terminal();
    private boolean stderrIsTerminal = ProgressBars.stderrIsTerminal();

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "give a command; genloom help lists them");
    }

    /** Opens the runtime as the global options say. */
    Genloom open() {
        doing("starting the runtime (plugins, model folders)");
        Genloom.Builder b = Genloom.builder().configFile(config);
        if (plugins != null) {
            for (Path folder : plugins) {
                UserFiles.requireFolder(folder, "plugins folder",
                        "it was named by --plugins; name a folder that holds plugin jars or zips");
                b.pluginsDir(folder);
            }
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

    /** Says what the command is doing now ("reading talk.mp3"), for the message should memory run out. */
    void doing(String what) {
        doing = what;
    }

    /** Where the commands' progress bars come from: nowhere with {@code --json} or where stderr is no terminal. */
    ProgressBars.Factory bars() {
        return ProgressBars.wanted(json, stderrIsTerminal) ? terminalBars : ProgressBars.Factory.NONE;
    }

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        // an OutOfMemoryError on a thread of its own (a pipeline's worker, say) is one line too
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (outOfMemory(e) != null) {
                err.println("genloom: " + outOfMemoryMessage("running genloom (thread " + thread.getName() + ")",
                        Runtime.getRuntime().maxMemory()));
                err.flush();
                Runtime.getRuntime().halt(1);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace();
            }
        });
        System.exit(execute(args, new PrintWriter(System.out, true), err));
    }

    /** Runs the CLI and returns its exit status (for tests and embedding). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(new GenloomCli(), args, out, err);
    }

    /** Runs the CLI as if stderr were a terminal, its progress bars made by {@code bars} (for tests). */
    static int execute(String[] args, PrintWriter out, PrintWriter err, ProgressBars.Factory bars) {
        GenloomCli cli = new GenloomCli();
        cli.terminalBars = bars;
        cli.stderrIsTerminal = true;
        return execute(cli, args, out, err);
    }

    /** The {@code genloom} command line with every command (for help, and tests). */
    static CommandLine commandLine(GenloomCli cli) {
        return commandLine(cli, null);
    }

    /**
     * The {@code genloom} command line for these arguments: where they name a command (other than
     * {@code help}), that command alone, since picocli builds the model of each command it is given
     * by reflection, which costs a one-shot run about a tenth of a second for all of them; else
     * every command.
     */
    static CommandLine commandLine(GenloomCli cli, String[] args) {
        CommandLine cmd = new CommandLine(cli);
        String named = args == null ? null : commandNamed(args);
        for (Class<?> c : COMMANDS) {
            String name = c.getAnnotation(Command.class).name();
            if (named == null || named.equals(name)) {
                cmd.addSubcommand(name, c);
            }
        }
        return cmd;
    }

    /** The command the arguments name, where that is one of {@link #COMMANDS} but {@code help}; else null. */
    static String commandNamed(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            if (a.startsWith("-")) {
                if (OPTIONS_WITH_VALUES.contains(a)) {
                    i++; // its value follows
                }
                continue;
            }
            for (Class<?> c : COMMANDS) {
                String name = c.getAnnotation(Command.class).name();
                if (name.equals(a)) {
                    return name.equals("help") ? null : name;
                }
            }
            return null;
        }
        return null;
    }

    private static int execute(GenloomCli cli, String[] args, PrintWriter out, PrintWriter err) {
        configureLogging(args);
        CommandLine cmd = commandLine(cli, args);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean asJson = cli.json;
            if (outOfMemory(e) != null) {
                return cli.reportOutOfMemory(cmd, err, out);
            }
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
        IParameterExceptionHandler usage = cmd.getParameterExceptionHandler();
        cmd.setParameterExceptionHandler((e, given) -> {
            if (!cli.json && !jsonRequested(given)) {
                return usage.handleParseException(e, given);
            }
            report(err, out, true, ErrorKind.INVALID_INPUT.name(), usageMessage(e));
            return ErrorKind.INVALID_INPUT.exitCode();
        });
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) {
            return cli.reportOutOfMemory(cmd, err, out);
        }
    }

    /** Whether the command line asks for {@code --json} (read where picocli could not parse it). */
    private static boolean jsonRequested(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--json")) {
                return true;
            }
        }
        return false;
    }

    /** A parse error in one line: picocli's message, its suggestions, and where the usage is. */
    private static String usageMessage(CommandLine.ParameterException e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            b.append(" (did you mean ").append(String.join(" or ", u.getSuggestions())).append("?)");
        }
        String command = e.getCommandLine() == null ? "genloom" : e.getCommandLine().getCommandSpec().qualifiedName();
        return b.append(" (").append(command).append(" --help shows the usage)").toString();
    }

    /** The one line an OutOfMemoryError becomes; exit status 1. */
    private int reportOutOfMemory(CommandLine cmd, PrintWriter err, PrintWriter out) {
        String what = doing;
        if (what == null) {
            StringBuilder command = new StringBuilder("running genloom");
            for (CommandLine.ParseResult p = cmd.getParseResult(); p != null && p.hasSubcommand(); p = p.subcommand()) {
                command.append(' ').append(p.subcommand().commandSpec().name());
            }
            what = command.toString();
        }
        String message = outOfMemoryMessage(what, Runtime.getRuntime().maxMemory());
        try {
            report(err, out, json, "OUT_OF_MEMORY", message);
        } catch (OutOfMemoryError again) {
            err.println("genloom: " + message);
            err.flush();
        }
        return 1;
    }

    /** The OutOfMemoryError a throwable is or was caused by, else null. */
    static OutOfMemoryError outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    /**
     * What running out of heap says: what was being done, the heap's limit now, and a larger one
     * to give through {@code GENLOOM_JAVA_OPTS} (twice the limit, in whole GiB, at least 1 GiB).
     */
    static String outOfMemoryMessage(String doing, long maxHeap) {
        long gib = 1L << 30;
        long suggested = Math.max(1, (2 * maxHeap + gib - 1) / gib);
        return "out of memory while " + doing + " (the Java heap is limited to " + FetchCommand.Bars.size(maxHeap)
                + "); run with more, e.g. GENLOOM_JAVA_OPTS=-Xmx" + suggested + "g genloom ...";
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

    /**
     * Loggers the CLI keeps to errors: DJL's GPU probe ({@code CudaUtils}), which its tokenizer
     * library runs when it loads and which warns ("Failed to detect GPU count") on a machine with
     * the CUDA runtime but no usable GPU, though the CPU build of the library is what Genloom uses.
     * A product embedding Genloom sets the same loggers to ERROR in its own logging setup.
     */
    static final List<String> QUIET_LOGGERS = List.of("ai.djl.util.cuda.CudaUtils");

    /** slf4j-simple's settings, before the first logger is made; what the user set is kept. */
    static void configureLogging(String[] args) {
        boolean quiet = List.of(args).contains("-q") || List.of(args).contains("--quiet");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.genloom", quiet ? "warn" : "info");
        for (String logger : QUIET_LOGGERS) {
            setIfAbsent("org.slf4j.simpleLogger.log." + logger, "error");
        }
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showLogName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The version the build wrote into {@code version.properties}, and the Java that runs it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"genloom " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }

        /** This build's version, from the resource Maven filled in, else the jar's manifest. */
        static String version() {
            try (InputStream in = GenloomCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null && !v.isBlank() && !v.startsWith("${")) {
                        return v.trim();
                    }
                }
            } catch (IOException e) {
                // fall back on the manifest
            }
            String v = GenloomCli.class.getPackage().getImplementationVersion();
            return v == null ? "(development build)" : v;
        }
    }
}
