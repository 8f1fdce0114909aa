package dev.genloom.runtime.session;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.runtime.config.DeviceSpec;
import dev.genloom.runtime.config.GenloomConfig;
import dev.genloom.runtime.config.Optimization;
import dev.genloom.runtime.store.LocalModelFolder;
import dev.genloom.spi.Dtype;
import dev.genloom.spi.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's {@link SessionFactory}: one shared {@link OrtEnvironment} (warnings and errors
 * logged, telemetry off), a device chosen once when created, and session options from the
 * settings. Safe to use from several threads.
 *
 * <p>Device {@code cpu} runs on the CPU; {@code cuda} or {@code cuda:N} adds the CUDA execution
 * provider and fails with {@link ErrorKind#DEVICE_UNAVAILABLE} where it cannot start; {@code auto}
 * uses CUDA where the GPU build of ONNX Runtime and a GPU are present and the provider starts, else
 * the CPU, and logs one line saying which and why ({@link #deviceReason()}).
 */
public final class OrtSessions implements SessionFactory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    /**
     * What sessions are opened with.
     *
     * @param optimizedCache where models optimised once are kept for later loads on the CPU (see
     *                       {@link OptimizedModels}); null to load every model as it is
     */
    public record Settings(DeviceSpec device, int intraOpThreads, int interOpThreads, Optimization optimization,
                           Dtype dtype, Path optimizedCache) {
        public Settings {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(optimization, "optimization");
            Objects.requireNonNull(dtype, "dtype");
            GenloomException.require(intraOpThreads >= 0 && interOpThreads >= 0,
                    "threads must be 0 (ONNX Runtime's default) or more");
        }

        /** Without the optimised-model cache. */
        public Settings(DeviceSpec device, int intraOpThreads, int interOpThreads, Optimization optimization,
                        Dtype dtype) {
            this(device, intraOpThreads, interOpThreads, optimization, dtype, null);
        }

        /** Device auto, ONNX Runtime's thread defaults, all optimisations, fp32 preferred, no optimised-model cache. */
        public static Settings defaults() {
            return new Settings(DeviceSpec.AUTO, 0, 0, Optimization.ALL, Dtype.FP32);
        }

        /** As configured, with the optimised-model cache in {@code <cache>/optimized} where it is on. */
        public static Settings from(GenloomConfig config) {
            return new Settings(config.device(), config.intraOpThreads(), config.interOpThreads(),
                    config.optimization(), config.dtype(),
                    config.optimizedCache() ? config.cache().resolve(OPTIMIZED_FOLDER) : null);
        }

        /**
         * From configuration strings, without the optimised-model cache; bad values are
         * {@link ErrorKind#INVALID_INPUT}.
         */
        public static Settings of(String device, int intraOpThreads, int interOpThreads, String optimization,
                                  String dtype) {
            return new Settings(
                    DeviceSpec.parse(device).orElseThrow(() -> GenloomException.invalidInput(
                            "device '" + device + "' is not one of: " + DeviceSpec.ALLOWED)),
                    intraOpThreads, interOpThreads,
                    Optimization.parse(optimization).orElseThrow(() -> GenloomException.invalidInput(
                            "optimization '" + optimization + "' is not one of: " + Optimization.allowed())),
                    Dtype.parse(dtype).orElseThrow(() -> GenloomException.invalidInput(
                            "dtype '" + dtype + "' is not one of: " + Dtype.allowed())));
        }

        public Settings withDevice(DeviceSpec d) {
            return new Settings(d, intraOpThreads, interOpThreads, optimization, dtype, optimizedCache);
        }

        /** With the optimised-model cache in {@code dir}, or without it (null). */
        public Settings withOptimizedCache(Path dir) {
            return new Settings(device, intraOpThreads, interOpThreads, optimization, dtype, dir);
        }
    }

    /** The folder of the cache where optimised models are kept. */
    public static final String OPTIMIZED_FOLDER = "optimized";

    private static final String CUDA_HINT_INSTALL = "install CUDA 12 and cuDNN 9 where the loader finds them "
            + "(e.g. on LD_LIBRARY_PATH), or use --device cpu";
    private static final String CUDA_HINT_BUILD = "build with -Pcuda to use the onnxruntime_gpu artifact, "
            + "or use --device cpu";

    private final OrtEnvironment environment;
    private final Settings settings;
    private final CudaProbe cuda;
    private final String device;
    private final int cudaIndex; // -1 for the CPU
    private final String deviceReason;
    private final List<Dtype> dtypeOrder;
    /** Null where models load as they are (no cache configured, or not on the CPU). */
    private final OptimizedModels optimized;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Sessions as configured: unpacks ONNX Runtime's native libraries into the configured cache
     * first (see {@link NativeLibraries}), then starts the environment and picks the device.
     */
    public static OrtSessions create(GenloomConfig config) {
        NativeLibraries.prepare(config.cache());
        return new OrtSessions(Settings.from(config), CudaProbe.system());
    }

    /** Sessions with these settings and the real CUDA probe. */
    public static OrtSessions create(Settings settings) {
        return new OrtSessions(settings, CudaProbe.system());
    }

    /**
     * Starts the environment and picks the device.
     *
     * @throws GenloomException {@link ErrorKind#DEVICE_UNAVAILABLE} where CUDA was asked for and
     *                          cannot start
     */
    public OrtSessions(Settings settings, CudaProbe cuda) {
        this(settings, cuda, OptimizedModels.DEFAULT_MIN_BYTES);
    }

    /** With the cache taking models of {@code optimizedMinBytes} or more (tests). */
    OrtSessions(Settings settings, CudaProbe cuda, long optimizedMinBytes) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cuda = Objects.requireNonNull(cuda, "cuda");
        this.environment = startEnvironment();
        this.dtypeOrder = Dtype.preference(settings.dtype());

        DeviceSpec spec = settings.device();
        switch (spec.kind()) {
            case CPU -> {
                device = "cpu";
                cudaIndex = -1;
                deviceReason = "device cpu: requested";
            }
            case CUDA -> {
                CudaCheck check = check(spec.index());
                if (!check.ok()) {
                    throw new GenloomException(ErrorKind.DEVICE_UNAVAILABLE,
                            "device " + spec + " is unavailable: " + check.reason(), check.hint(), check.cause());
                }
                device = spec.toString();
                cudaIndex = spec.index();
                deviceReason = "device " + device + ": requested, CUDA provider started";
            }
            default -> {
                CudaCheck check = check(0);
                if (check.ok()) {
                    device = "cuda:0";
                    cudaIndex = 0;
                    deviceReason = "device auto: using cuda:0 (NVIDIA GPU found and the CUDA provider started)";
                } else {
                    device = "cpu";
                    cudaIndex = -1;
                    deviceReason = "device auto: using cpu (" + check.reason()
                            + (check.autoHint() == null ? "" : "; " + check.autoHint()) + ")";
                    if (check.cause() != null) {
                        LOG.debug("CUDA provider failure", check.cause());
                    }
                }
                LOG.info(deviceReason);
            }
        }
        // On a GPU the weights are copied to the device anyway, and the optimised graph would hold
        // nodes placed for that provider: the cache is for the CPU only.
        optimized = settings.optimizedCache() != null && cudaIndex < 0
                ? new OptimizedModels(settings.optimizedCache(), environment.getVersion(), optimizedMinBytes)
                : null;
    }

    private static OrtEnvironment startEnvironment() {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "genloom");
            env.setTelemetry(false);
            String flag = System.getenv("ORT_DISABLE_TELEMETRY");
            if (flag == null || flag.isBlank()) {
                // Only the variable stops ONNX Runtime from writing a device id under
                // ~/.cache/Microsoft/DeveloperTools when the environment starts; a JVM cannot set it.
                LOG.debug("ORT_DISABLE_TELEMETRY is not set: ONNX Runtime may write its device id under "
                        + "~/.cache/Microsoft/DeveloperTools (the genloom launcher sets it)");
            }
            return env;
        } catch (OrtException ex) {
            throw new GenloomException(ErrorKind.DEVICE_UNAVAILABLE,
                    "ONNX Runtime could not start: " + ex.getMessage(), null, ex);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError ex) {
            throw new GenloomException(ErrorKind.DEVICE_UNAVAILABLE,
                    "ONNX Runtime's native library could not be loaded: " + ex,
                    "check that one ONNX Runtime artifact (onnxruntime or onnxruntime_gpu) is on the class path "
                            + "and supports this platform (" + NativeLibraries.osArch() + ")", ex);
        }
    }

    /** The outcome of trying CUDA: ok, or why not and what to do. */
    private record CudaCheck(boolean ok, String reason, String hint, String autoHint, Throwable cause) {
    }

    private CudaCheck check(int index) {
        if (!cuda.providerBuilt()) {
            return new CudaCheck(false, "this ONNX Runtime build has no CUDA provider: the CPU artifact is on the "
                    + "class path", CUDA_HINT_BUILD, "build with -Pcuda for GPUs", null);
        }
        if (!cuda.gpuPresent()) {
            return new CudaCheck(false, "no NVIDIA GPU found (no driver at /proc/driver/nvidia/version)",
                    "use a machine with an NVIDIA GPU and driver, or use --device cpu", null, null);
        }
        try (SessionOptions options = new SessionOptions()) {
            cuda.addTo(options, index);
            return new CudaCheck(true, null, null, null, null);
        } catch (Exception | UnsatisfiedLinkError ex) {
            return failedCuda(ex);
        }
    }

    private static CudaCheck failedCuda(Throwable ex) {
        String message = ortMessage(ex);
        Optional<String> library = missingLibrary(message);
        String reason = library
                .map(lib -> "the CUDA provider failed to start: " + lib + " was not found")
                .orElse("the CUDA provider failed to start: " + message);
        String install = library.map(lib -> "install CUDA 12 and cuDNN 9 so that " + lib
                + " can be loaded (e.g. on LD_LIBRARY_PATH)").orElse("install CUDA 12 and cuDNN 9");
        return new CudaCheck(false, reason, install + ", or use --device cpu", install, ex);
    }

    private static final Pattern CANNOT_OPEN =
            Pattern.compile("([A-Za-z0-9_.+-]+\\.(?:so(?:\\.[0-9]+)*|dylib|dll))['\"]?: cannot open shared object file");
    private static final Pattern COULD_NOT_LOAD = Pattern.compile(
            "(?:[Cc]ould not|[Uu]nable to|[Ff]ailed to) (?:load|find|open)(?: library)? ['\"]?([A-Za-z0-9_.+-]+\\.(?:so(?:\\.[0-9]+)*|dylib|dll))");

    /**
     * The shared library that a native loader message says is missing: for
     * {@code "... libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object file"}
     * that is {@code libcublasLt.so.12}.
     */
    static Optional<String> missingLibrary(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = CANNOT_OPEN.matcher(message);
        if (m.find()) {
            return Optional.of(m.group(1));
        }
        m = COULD_NOT_LOAD.matcher(message);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return Optional.ofNullable(last);
    }

    /** "Load model from FILE failed:" and a C++ source position and signature ("model.cc:177 onnxruntime::Model::Model(...)"). */
    private static final Pattern ORT_INTERNALS = Pattern.compile(
            "^(?:Load model from .*? failed:)?\\s*(?:\\S*?[\\w.-]+\\.(?:cc|cpp|h):\\d+\\s+"
                    + "(?:(?:[\\w:<>*&]+\\s+)?[\\w:~<>]+\\([^()]*\\)\\s*(?:const\\s*)?)?)?");

    /**
     * Why ONNX Runtime could not load a model file, without its C++ source positions and
     * signatures: what it found wrong, said for a user.
     */
    static String loadFailure(String ortMessage, Path file) {
        String m = ORT_INTERNALS.matcher(ortMessage.replace(file.toString(), "the file")).replaceFirst("").strip();
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("protobuf parsing failed") || lower.contains("does not have a graph")
                || lower.contains("no graph was found")) {
            return "it is not an ONNX model, or it is cut short (ONNX Runtime: " + m + ")";
        }
        return m.isEmpty() ? "ONNX Runtime gave no reason" : m;
    }

    /** ONNX Runtime's message, first line, without the Java API's "Error code - ... - message:" prefix. */
    private static String ortMessage(Throwable ex) {
        String m = firstLine(String.valueOf(ex.getMessage()));
        int at = m.indexOf(" - message: ");
        return at >= 0 && m.startsWith("Error code") ? m.substring(at + " - message: ".length()) : m;
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    // ------------------------------------------------------------------ SessionFactory

    @Override
    public OrtEnvironment environment() {
        return environment;
    }

    @Override
    public String device() {
        return device;
    }

    /** Why this device was chosen: the line logged for {@code auto}. */
    public String deviceReason() {
        return deviceReason;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public OrtSession open(Path onnxFile) {
        if (closed.get()) {
            throw new IllegalStateException("these ONNX Runtime sessions were closed");
        }
        Objects.requireNonNull(onnxFile, "onnxFile");
        Path file = onnxFile.toAbsolutePath().normalize();
        // what ONNX Runtime would say about these in C++ terms, said in words first
        UserFiles.requireNonEmptyFile(file, "ONNX model file",
                "the file holds no model; " + LocalModelFolder.againHint(file));
        try {
            return optimized != null ? optimized.open(file, settings.optimization(), this::load)
                    : load(file, settings.optimization(), null, false);
        } catch (OrtException ex) {
            String msg = ortMessage(ex);
            if (cudaIndex >= 0 && looksLikeCuda(ex.getMessage())) {
                throw new GenloomException(ErrorKind.DEVICE_UNAVAILABLE,
                        "cannot open ONNX model " + file + " on " + device + ": " + msg, CUDA_HINT_INSTALL, ex);
            }
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot open ONNX model file " + file + ": "
                    + loadFailure(msg, file), "check that it is a complete ONNX model, with its external data "
                            + "(.onnx_data) beside it; " + LocalModelFolder.againHint(file), ex);
        }
    }

    /** Where optimised models are kept, or empty where models load as they are. */
    public Optional<Path> optimizedCache() {
        return optimized == null ? Optional.empty() : Optional.of(optimized.root());
    }

    /**
     * A session on {@code model} at {@code level}; where {@code optimizedOut} is given, ONNX Runtime
     * writes the optimised graph there, its weights beside it in {@link OptimizedModels#DATA};
     * {@code quiet} keeps ONNX Runtime's warnings about the file to errors (a cache entry).
     */
    OrtSession load(Path model, Optimization level, Path optimizedOut, boolean quiet) throws OrtException {
        try (SessionOptions options = options(level)) {
            if (optimizedOut != null) {
                options.setOptimizedModelFilePath(optimizedOut.toString());
                options.addConfigEntry("session.optimized_model_external_initializers_file_name",
                        OptimizedModels.DATA);
                options.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes",
                        OptimizedModels.EXTERNAL_MIN_BYTES);
            }
            if (quiet) {
                options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            }
            // By path, so that ONNX Runtime finds external data (model.onnx_data) beside the file.
            return environment.createSession(model.toString(), options);
        }
    }

    private static boolean looksLikeCuda(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("cuda failure") || m.contains("cudnn") || m.contains("cublas")
                || m.contains("cuda error") || m.contains("no cuda-capable device") || m.contains("cudaerror");
    }

    private SessionOptions options(Optimization level) throws OrtException {
        SessionOptions options = new SessionOptions();
        try {
            options.setOptimizationLevel(optLevel(level));
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            if (settings.interOpThreads() > 0) {
                options.setInterOpNumThreads(settings.interOpThreads());
                if (settings.interOpThreads() > 1) {
                    // Inter-op threads only run independent operators at once in parallel mode.
                    options.setExecutionMode(SessionOptions.ExecutionMode.PARALLEL);
                }
            }
            if (cudaIndex >= 0) {
                try {
                    cuda.addTo(options, cudaIndex);
                } catch (Exception | UnsatisfiedLinkError ex) {
                    CudaCheck check = failedCuda(ex);
                    throw new GenloomException(ErrorKind.DEVICE_UNAVAILABLE,
                            "device " + device + " is unavailable: " + check.reason(), check.hint(), ex);
                }
            }
            return options;
        } catch (OrtException | RuntimeException ex) {
            options.close();
            throw ex;
        }
    }

    private static OptLevel optLevel(Optimization o) {
        return switch (o) {
            case DISABLE -> OptLevel.NO_OPT;
            case BASIC -> OptLevel.BASIC_OPT;
            case EXTENDED -> OptLevel.EXTENDED_OPT;
            case ALL -> OptLevel.ALL_OPT;
        };
    }

    @Override
    public Optional<Path> variant(Path directory, String stem) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(stem, "stem");
        for (Dtype d : dtypeOrder) {
            Path p = directory.resolve(d.fileName(stem));
            if (Files.isRegularFile(p)) {
                if (d != settings.dtype()) {
                    LOG.info("{}: no {} variant of {} ({}); using {}", directory, settings.dtype(), stem,
                            settings.dtype().fileName(stem), p.getFileName());
                }
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> dtypePreference() {
        return dtypeOrder.stream().map(Dtype::id).toList();
    }

    /**
     * Closes the factory: no more sessions can be opened. Sessions already opened belong to their
     * callers and stay open; the environment is shared by the process and stays up.
     */
    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "OrtSessions[" + device + ", " + settings + "]";
    }
}
