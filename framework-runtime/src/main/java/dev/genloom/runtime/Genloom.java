package dev.genloom.runtime;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageToText;
import dev.genloom.api.Model;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.TextToAudio;
import dev.genloom.api.TextToImage;
import dev.genloom.api.TextToText;
import dev.genloom.runtime.concurrent.Lazy;
import dev.genloom.runtime.config.GenloomConfig;
import dev.genloom.runtime.pipeline.ModelCatalog;
import dev.genloom.runtime.pipeline.ModelProvider;
import dev.genloom.runtime.pipeline.Pipeline;
import dev.genloom.runtime.pipeline.PipelineListener;
import dev.genloom.runtime.pipeline.PipelineParser;
import dev.genloom.runtime.pipeline.PipelineResult;
import dev.genloom.runtime.pipeline.SharedModels;
import dev.genloom.runtime.plugins.LoadedFamily;
import dev.genloom.runtime.plugins.PluginHost;
import dev.genloom.runtime.plugins.PluginProblem;
import dev.genloom.runtime.plugins.PluginSummary;
import dev.genloom.runtime.session.OrtSessions;
import dev.genloom.runtime.store.ModelListing;
import dev.genloom.runtime.store.ModelStore;
import dev.genloom.runtime.store.ResolvedModel;
import dev.genloom.runtime.tokenizer.DjlTokenizers;
import dev.genloom.spi.BareDecoder;
import dev.genloom.spi.BareDenoiser;
import dev.genloom.spi.BareEncoder;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.TokenizerFactory;
import dev.genloom.zoo.catalog.Catalog;
import dev.genloom.zoo.catalog.CatalogEntry;
import dev.genloom.zoo.fetch.FetchListener;
import dev.genloom.zoo.fetch.FetchRequest;
import dev.genloom.zoo.fetch.FetchResult;
import dev.genloom.zoo.fetch.Fetcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Genloom runtime, for embedding in a product: open it once, ask it for models by name, run
 * pipelines, close it.
 *
 * <pre>{@code
 * try (Genloom genloom = Genloom.builder().pluginsDir(Path.of("plugins")).modelsDir(Path.of("models")).build()) {
 *     TextToText gpt = genloom.model("gpt2", TextToText.class);
 *     System.out.println(gpt.generate("Once upon a time").text());
 * }
 * }</pre>
 *
 * Models are loaded once and shared by every caller and pipeline; the runtime owns them and closes
 * them when it closes (the handles it returns ignore {@code close()}). Everything is safe to use
 * from several threads.
 */
public final class Genloom implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Genloom.class);

    private final GenloomConfig config;
    private final Map<String, String> env;
    private final PluginHost plugins;
    private final ModelStore store;
    private final SharedModels models = new SharedModels();
    private final Lazy<OrtSessions> sessions;
    private final Lazy<DjlTokenizers> tokenizers;
    private final Lazy<ExecutorService> pipelinePool;
    private volatile boolean closed;

    private Genloom(GenloomConfig config, boolean classpathPlugins, Map<String, String> env) {
        this.config = config;
        this.env = env;
        this.plugins = new PluginHost(config.plugins(), classpathPlugins);
        List<Path> modelDirs = new ArrayList<>(config.models());
        modelDirs.add(config.cache());
        Lazy<Catalog> catalog = new Lazy<>(Catalog::load);
        // catalog names (whisper-tiny.en) find what `genloom fetch` put in the cache (Xenova/whisper-tiny.en)
        this.store = new ModelStore(modelDirs, plugins::families)
                .aliases(name -> catalog.get().find(name).map(CatalogEntry::repository));
        // Native code starts on first need, so that listing plugins starts none.
        this.sessions = new Lazy<>(() -> OrtSessions.create(config));
        this.tokenizers = new Lazy<>(() -> new DjlTokenizers(config.cache()));
        this.pipelinePool = new Lazy<>(() -> {
            AtomicInteger n = new AtomicInteger();
            return Executors.newFixedThreadPool(config.pipelineParallelism(), r -> {
                Thread t = new Thread(r, "genloom-step-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The configuration in force. */
    public GenloomConfig config() {
        return config;
    }

    // ---- plugins and models ---------------------------------------------------------------------

    public List<PluginSummary> plugins() {
        return plugins.plugins();
    }

    public List<LoadedFamily> families() {
        return plugins.families();
    }

    /** Plugins that could not be loaded, and why. */
    public List<PluginProblem> pluginProblems() {
        return plugins.problems();
    }

    /** Every model folder in the model directories, and which family would load it. */
    public List<ModelListing> listModels() {
        return store.list();
    }

    // ---- fetching -------------------------------------------------------------------------------

    /**
     * A fetcher into this runtime's cache from its hub (config {@code hub}, {@code GENLOOM_HUB}),
     * with {@code HF_TOKEN} as the access token where set and the configured dtype preferred.
     * Building it touches no network.
     */
    public Fetcher fetcher() {
        return Fetcher.builder().cache(config.cache()).hub(config.hub()).token(env.get("HF_TOKEN"))
                .preferredDtype(config.dtype().id()).build();
    }

    /** Downloads a catalog model or hub repository into the cache (see {@link Fetcher}). */
    public FetchResult fetch(String model) {
        return fetch(FetchRequest.of(model), FetchListener.NONE);
    }

    /** Downloads a model into the cache; afterwards it can be loaded by its name or repository id. */
    public FetchResult fetch(FetchRequest request, FetchListener listener) {
        checkOpen();
        FetchResult result = fetcher().fetch(request, listener);
        store.forget();
        return result;
    }

    /** Which folder and family a model name resolves to, without loading it. */
    public ResolvedModel resolve(String model, String family) {
        return store.resolve(model, family);
    }

    /** A loaded model (loaded on first use, then shared). */
    public Model model(String model) {
        return model(model, null, Map.of());
    }

    /** A loaded model that offers the given modality. */
    public <M extends Model> M model(String model, Class<M> modality) {
        return model(model, modality, null);
    }

    /** A loaded model that offers the given modality, loaded by the named family. */
    public <M extends Model> M model(String model, Class<M> modality, String family) {
        Model m = model(model, family, Map.of());
        if (!modality.isInstance(m)) {
            throw GenloomException.unsupported("model '" + model + "' (" + m.info().family() + ") does not offer "
                    + modality.getSimpleName(), "pick a model whose family offers it (genloom plugins lists them)");
        }
        return modality.cast(m);
    }

    public TextToText textToText(String model) {
        return model(model, TextToText.class);
    }

    public TextToImage textToImage(String model) {
        return model(model, TextToImage.class);
    }

    public SpeechToText speechToText(String model) {
        return model(model, SpeechToText.class);
    }

    public ImageToText imageToText(String model) {
        return model(model, ImageToText.class);
    }

    public TextToAudio textToAudio(String model) {
        return model(model, TextToAudio.class);
    }

    /**
     * A loaded model, by name or path, loaded by the named family (null: the one that recognises
     * the folder), with load options for the family. Loaded once per folder, family and options.
     */
    public Model model(String model, String family, Map<String, Object> options) {
        checkOpen();
        ResolvedModel resolved = store.resolve(model, family);
        String key = resolved.folder().path().toAbsolutePath().normalize() + "#" + resolved.family().name() + "#"
                + new TreeMap<>(options);
        return models.acquire(key, () -> load(model, resolved, options));
    }

    /** The models loaded now, each once however many callers and pipelines share it. */
    public List<ModelInfo> loadedModels() {
        List<ModelInfo> out = new ArrayList<>();
        for (Model m : models.models()) {
            out.add(m.info());
        }
        return out;
    }

    /** Closes a loaded model now; a later call loads it again. */
    public boolean unload(String model) {
        ResolvedModel resolved = store.resolve(model, null);
        String prefix = resolved.folder().path().toAbsolutePath().normalize() + "#";
        return models.unload(key -> key.startsWith(prefix));
    }

    private Model load(String name, ResolvedModel resolved, Map<String, Object> callerOptions) {
        long start = System.nanoTime();
        String device = sessions().device();
        Model model = inFamily(name, resolved, callerOptions, "load model", ModelFamily::load);
        LoadedFamily family = resolved.family();
        LOG.info("loaded model '{}' ({} from plugin {}) on {} in {} ms", name, family.name(), family.pluginId(),
                device, (System.nanoTime() - start) / 1_000_000);
        return model;
    }

    /**
     * The bare ONNX Runtime decoding loop of a model's family over its folder (by name or path): the
     * benchmark harness's baseline, in this runtime's sessions. Close it when done.
     *
     * @throws GenloomException {@code UNSUPPORTED} where the family has no such loop;
     *                          {@code INVALID_INPUT} where the folder lacks a file the loop needs
     */
    public BareDecoder bareDecoder(String model) {
        checkOpen();
        ResolvedModel resolved = store.resolve(model, null);
        Optional<BareDecoder> loop = inFamily(model, resolved, Map.of(), "open a bare decoding loop for",
                ModelFamily::bareDecoder);
        return loop.orElseThrow(() -> new GenloomException(ErrorKind.UNSUPPORTED, "family "
                + resolved.family().name() + " (plugin " + resolved.family().pluginId()
                + ") has no bare decoding loop to benchmark '" + model + "' against"));
    }

    /**
     * The bare ONNX Runtime encoders of a model's family over its folder (by name or path): the
     * embedding benchmarks' baseline, in this runtime's sessions. Close it when done.
     *
     * @throws GenloomException {@code UNSUPPORTED} where the family has none;
     *                          {@code INVALID_INPUT} where the folder lacks a file they need
     */
    public BareEncoder bareEncoder(String model) {
        checkOpen();
        ResolvedModel resolved = store.resolve(model, null);
        Optional<BareEncoder> encoder = inFamily(model, resolved, Map.of(), "open bare encoders for",
                ModelFamily::bareEncoder);
        return encoder.orElseThrow(() -> new GenloomException(ErrorKind.UNSUPPORTED, "family "
                + resolved.family().name() + " (plugin " + resolved.family().pluginId()
                + ") has no bare encoders to benchmark '" + model + "' against"));
    }

    /**
     * The bare ONNX Runtime text-to-image loop of a diffusion model's family over its folder (by
     * name or path): the image benchmark's baseline, in this runtime's sessions. Close it when done.
     *
     * @throws GenloomException {@code UNSUPPORTED} where the family has none;
     *                          {@code INVALID_INPUT} where the folder lacks a file it needs
     */
    public BareDenoiser bareDenoiser(String model) {
        checkOpen();
        ResolvedModel resolved = store.resolve(model, null);
        Optional<BareDenoiser> loop = inFamily(model, resolved, Map.of(), "open a bare denoising loop for",
                ModelFamily::bareDenoiser);
        return loop.orElseThrow(() -> new GenloomException(ErrorKind.UNSUPPORTED, "family "
                + resolved.family().name() + " (plugin " + resolved.family().pluginId()
                + ") has no bare denoising loop to benchmark '" + model + "' against"));
    }

    /** What a family is asked to do with a model folder, given the host's context. */
    @FunctionalInterface
    private interface FamilyCall<T> {
        T call(ModelFamily family, ModelContext context) throws Exception;
    }

    /**
     * Calls the family of a resolved model with the host's context, inside the plugin's class
     * loader; what the plugin throws that is not a {@link GenloomException} is reported as the
     * plugin's failure, and a null result too.
     */
    private <T> T inFamily(String name, ResolvedModel resolved, Map<String, Object> callerOptions, String what,
                           FamilyCall<T> call) {
        LoadedFamily family = resolved.family();
        OrtSessions s = sessions();
        ModelInfo info = new ModelInfo(resolved.name(), family.name(), family.pluginId(), resolved.folder().path(),
                s.device());
        Map<String, Object> options = new LinkedHashMap<>(resolved.options());
        options.putAll(callerOptions);
        HostModelContext context = new HostModelContext(resolved.folder(), info, s, tokenizers.get(), options,
                companion -> store.companion(companion).map(f -> (ModelFolder) f));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(family.family().getClass().getClassLoader());
        T result;
        try {
            result = call.call(family.family(), context);
        } catch (GenloomException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw new GenloomException(ErrorKind.PLUGIN_FAILURE, "plugin '" + family.pluginId() + "' (family "
                    + family.name() + ") failed to " + what + " '" + name + "' from " + resolved.folder().path() + ": "
                    + e, "check the model folder; if it is right, report this to the plugin's authors", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        if (result == null) {
            throw new GenloomException(ErrorKind.PLUGIN_FAILURE, "plugin '" + family.pluginId() + "' returned nothing to "
                    + what + " '" + name + "'");
        }
        return result;
    }

    /** The ONNX Runtime sessions, started on first need. */
    public OrtSessions sessions() {
        checkOpen();
        return sessions.get();
    }

    /**
     * Starts the ONNX Runtime sessions (native libraries, environment, device choice) on a thread
     * of their own, for a caller about to load a model: the start then overlaps with finding the
     * model and its plugin instead of coming after. Nothing is reported there: where the start
     * fails, the first use of the sessions tries again and says why.
     */
    public void startSessions() {
        checkOpen();
        Thread starter = new Thread(() -> {
            try {
                sessions.get();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("starting ONNX Runtime ahead failed; its first use will say why", e);
            }
        }, "genloom-sessions-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** The host's tokenizer loading (offline DJL), as plugins get it. */
    public TokenizerFactory tokenizers() {
        checkOpen();
        return tokenizers.get();
    }

    // ---- pipelines ------------------------------------------------------------------------------

    /** What the pipeline validator knows of a model before it loads: the modalities of its family. */
    public ModelCatalog catalog() {
        return new ModelCatalog() {
            @Override
            public Optional<Set<Class<?>>> modalities(String model) {
                try {
                    return Optional.of(Set.copyOf(store.resolve(model, null).family().family().modalities()));
                } catch (GenloomException e) {
                    return Optional.empty();
                }
            }

            @Override
            public Set<String> names() {
                Set<String> names = new TreeSet<>();
                for (ModelListing m : store.list()) {
                    names.add(m.name());
                }
                return names;
            }
        };
    }

    /** The runtime's shared models, as pipelines acquire them. */
    public ModelProvider modelProvider() {
        return this::model;
    }

    /** Reads and validates a pipeline file; nothing loads. */
    public Pipeline pipeline(Path file) {
        checkOpen();
        return new PipelineParser(catalog()).parse(file);
    }

    /** Runs a pipeline with the given inputs. */
    public PipelineResult run(Pipeline pipeline, Map<String, Object> inputs) {
        return run(pipeline, inputs, PipelineListener.NONE);
    }

    public PipelineResult run(Pipeline pipeline, Map<String, Object> inputs, PipelineListener listener) {
        checkOpen();
        return pipeline.run(inputs, modelProvider(), pool(), listener);
    }

    private ExecutorService pool() {
        return pipelinePool.get();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this Genloom runtime is closed");
        }
    }

    /** Closes every loaded model, the sessions, the tokenizers and the plugins. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        // A session or pool still being made is closed by its maker when it is done.
        for (Runnable step : List.<Runnable>of(() -> pipelinePool.close(ExecutorService::shutdownNow), models::close,
                () -> sessions.close(OrtSessions::close), plugins::close)) {
            try {
                step.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Builds a runtime: configuration file, plugin folders, model folders, device, threads. */
    public static final class Builder {
        private Path configFile;
        private Map<String, String> env = System.getenv();
        private final List<Path> pluginDirs = new ArrayList<>();
        private final List<Path> modelDirs = new ArrayList<>();
        private String device;
        private Integer intraOpThreads;
        private Integer interOpThreads;
        private boolean classpathPlugins = true;

        private Builder() {
        }

        /** A genloom.yaml to read (default: $GENLOOM_HOME/genloom.yaml where it exists). */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /** The environment to read GENLOOM_* variables from (default: the process's). */
        public Builder environment(Map<String, String> env) {
            this.env = Objects.requireNonNull(env);
            return this;
        }

        /**
         * A folder of plugin jars and zips; several may be given. Replaces the configured ones.
         * {@link #build()} refuses a folder that does not exist or is a file (as it does one
         * named by {@code GENLOOM_PLUGINS} or {@code genloom.yaml}); only the default
         * {@code <home>/plugins} may be absent.
         */
        public Builder pluginsDir(Path dir) {
            pluginDirs.add(dir);
            return this;
        }

        /** A folder of model folders; several may be given, searched in order. Replaces the configured ones. */
        public Builder modelsDir(Path dir) {
            modelDirs.add(dir);
            return this;
        }

        /** {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}. */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /** Threads within one operator (0: ONNX Runtime's default). */
        public Builder threads(int intraOp) {
            this.intraOpThreads = intraOp;
            return this;
        }

        public Builder interOpThreads(int interOp) {
            this.interOpThreads = interOp;
            return this;
        }

        /** Whether families on the application's class path count as plugins (default true). */
        public Builder classpathPlugins(boolean on) {
            this.classpathPlugins = on;
            return this;
        }

        public Genloom build() {
            GenloomConfig c = GenloomConfig.load(configFile, env);
            if (!pluginDirs.isEmpty()) {
                c = c.withPlugins(List.copyOf(pluginDirs));
            }
            if (!modelDirs.isEmpty()) {
                c = c.withModels(List.copyOf(modelDirs));
            }
            if (device != null) {
                c = c.withDevice(device);
            }
            if (intraOpThreads != null || interOpThreads != null) {
                c = c.withThreads(intraOpThreads == null ? c.intraOpThreads() : intraOpThreads,
                        interOpThreads == null ? c.interOpThreads() : interOpThreads);
            }
            c.checkPluginFolders(pluginsNamedBy(c));
            return new Genloom(c, classpathPlugins, env);
        }

        /** Who named the plugins folders: this builder, the environment, the file, or nobody (null). */
        private String pluginsNamedBy(GenloomConfig c) {
            if (!pluginDirs.isEmpty()) {
                return "pluginsDir";
            }
            String fromEnv = env.get(GenloomConfig.ENV_PLUGINS);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return GenloomConfig.ENV_PLUGINS;
            }
            return c.source() == null ? null : "'plugins' in " + c.source();
        }
    }
}
