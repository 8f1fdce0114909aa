package dev.genloom.plugins.gpt;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.platform.Fp16Conversions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.api.ChatMessage;
import dev.genloom.plugins.gpt.chat.ChatTemplate;
import dev.genloom.plugins.gpt.chat.Message;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A decoder-only language model over one ONNX session. Each call runs a prefill over the
 * (left-padded) prompts and then one token per step, feeding the previous step's
 * {@code present.*} tensors straight back as {@code past_key_values.*}. The logits are written by
 * ONNX Runtime into a buffer this class owns (a pinned output), of which only the last position
 * of each row is read. Safe for concurrent calls: every call has its own state.
 */
final class GptModel implements TextToText {

    private final ModelInfo info;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final DecoderGraph graph;
    private final Tokenizer tokenizer;
    private final GenerationDefaults defaults;
    private final boolean cache;
    private final Set<String> presentNames;
    /** The model's chat template; empty where it has none. */
    private final Optional<ChatTemplate> chatTemplate;
    /** Why the chat template could not be read, where it could not (chat() reports it; generate() works). */
    private final RuntimeException chatTemplateProblem;

    private GptModel(ModelContext ctx, OrtSession session, DecoderGraph graph, Tokenizer tokenizer,
                     GenerationDefaults defaults, boolean cache) {
        this.info = ctx.info();
        this.env = ctx.sessions().environment();
        this.session = session;
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.defaults = defaults;
        this.cache = cache;
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < graph.layers(); i++) {
            names.add(DecoderGraph.presentKey(i));
            names.add(DecoderGraph.presentValue(i));
        }
        this.presentNames = Collections.unmodifiableSet(names);
        Optional<ChatTemplate> template = Optional.empty();
        RuntimeException problem = null;
        try {
            template = readChatTemplate(ctx);
        } catch (RuntimeException e) {
            problem = e;
        }
        this.chatTemplate = template;
        this.chatTemplateProblem = problem;
    }

    /** From {@code chat_template.jinja} where present, else {@code tokenizer_config.json}'s {@code chat_template}. */
    private static Optional<ChatTemplate> readChatTemplate(ModelContext ctx) {
        JsonNode tokenizerConfig = ctx.folder().json("tokenizer_config.json").orElse(null);
        Optional<String> jinja = Optional.empty();
        if (ctx.folder().has("chat_template.jinja")) {
            try {
                jinja = Optional.of(Files.readString(ctx.folder().resolve("chat_template.jinja")));
            } catch (java.io.IOException e) {
                throw new GenloomException(ErrorKind.IO, "cannot read " + ctx.folder().resolve("chat_template.jinja")
                        + ": " + e.getMessage(), null, e);
            }
        }
        return ChatTemplate.fromTokenizerConfig(tokenizerConfig, jinja);
    }

    static GptModel open(ModelContext ctx) {
        Path file = chooseFile(ctx);
        boolean cache = ctx.option("cache", Boolean.class, true);
        JsonNode config = ctx.folder().config();
        JsonNode generation = ctx.folder().json("generation_config.json")
                .orElse(JsonNodeFactory.instance.objectNode());
        if (!ctx.folder().has("tokenizer.json")) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no tokenizer.json in " + ctx.folder().path(),
                    "a decoder-only model folder holds the tokenizer.json it was trained with");
        }
        OrtSession session = ctx.sessions().open(file);
        Tokenizer tokenizer = null;
        try {
            DecoderGraph graph = DecoderGraph.read(session, file, config);
            tokenizer = ctx.tokenizers().load(ctx.folder().resolve("tokenizer.json"));
            return new GptModel(ctx, session, graph, tokenizer, GenerationDefaults.read(config, generation), cache);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The file named by the {@code file} option, else {@code onnx/model*}, else {@code onnx/decoder_model_merged*}. */
    static Path chooseFile(ModelContext ctx) {
        Path onnx = ctx.folder().resolve("onnx");
        Optional<String> option = ctx.option("file", String.class);
        if (option.isPresent()) {
            String name = option.get().trim();
            Optional<Path> found;
            if (name.endsWith(".onnx")) {
                Path p = ctx.folder().resolve(name);
                found = Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
            } else {
                found = ctx.sessions().variant(onnx, name);
            }
            return found.orElseThrow(() -> new GenloomException(ErrorKind.INVALID_INPUT, "load option file '" + name
                    + "' names no ONNX file in " + ctx.folder().path(), "give a stem in onnx/ (model, "
                    + "decoder_model_merged, model_fp16) or a path ending in .onnx; the folder has "
                    + ctx.folder().files().stream().filter(f -> f.endsWith(".onnx")).toList()));
        }
        return ctx.sessions().variant(onnx, "model")
                .or(() -> ctx.sessions().variant(onnx, "decoder_model_merged"))
                .orElseThrow(() -> new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no onnx/model*.onnx or "
                        + "onnx/decoder_model_merged*.onnx in " + ctx.folder().path(),
                        "export the model with optimum-cli export onnx --task text-generation-with-past"));
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    DecoderGraph graph() {
        return graph;
    }

    @Override
    public Generation generate(String prompt, TextOptions options, TokenListener listener) {
        Objects.requireNonNull(listener, "listener");
        return run(List.of(prompt == null ? "" : prompt), options, new TokenListener[] {listener}).get(0);
    }

    @Override
    public List<Generation> generateBatch(List<String> prompts, TextOptions options) {
        GenloomException.require(prompts != null && !prompts.isEmpty(), "no prompts given");
        TokenListener[] listeners = new TokenListener[prompts.size()];
        Arrays.fill(listeners, TokenListener.NONE);
        return run(prompts, options, listeners);
    }

    @Override
    public Generation chat(List<ChatMessage> messages, TextOptions options, TokenListener listener) {
        Objects.requireNonNull(listener, "listener");
        GenloomException.require(messages != null && !messages.isEmpty(), "a chat needs at least one message");
        return run(List.of(chatPrompt(messages)), options, new TokenListener[] {listener}, false).get(0);
    }

    /** The messages formatted with the model's chat template, ending with the assistant's turn. */
    String chatPrompt(List<ChatMessage> messages) {
        if (chatTemplateProblem != null) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "the chat template of model '" + info.name()
                    + "' cannot be used: " + chatTemplateProblem.getMessage(), "use generate() with a prompt you format",
                    chatTemplateProblem);
        }
        ChatTemplate template = chatTemplate.orElseThrow(() -> GenloomException.unsupported("model '" + info.name()
                + "' has no chat template (no chat_template in tokenizer_config.json, no chat_template.jinja)",
                "use generate() with a prompt you format yourself"));
        List<Message> converted = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            converted.add(new Message(m.role(), m.content()));
        }
        try {
            return template.render(converted, true, Map.of());
        } catch (RuntimeException e) {
            throw GenloomException.invalidInput("the chat template of model '" + info.name() + "' refused the messages: "
                    + e.getMessage());
        }
    }

    /** The prompt's tokens, checked against the context (before any model call). */
    private long[] encodePrompt(String prompt, int index, GenerationDefaults.Settings s, boolean addSpecialTokens) {
        String where = index < 0 ? "the prompt" : "prompt " + index;
        if (prompt == null || prompt.isEmpty()) {
            throw GenloomException.invalidInput(where + " is empty", "give some text to continue");
        }
        long[] ids = tokenizer.encode(prompt, addSpecialTokens).ids();
        if (ids.length == 0) {
            throw GenloomException.invalidInput(where + " encodes to no tokens");
        }
        int context = defaults.context();
        if (ids.length >= context) {
            if (!s.truncatePrompt()) {
                throw GenloomException.invalidInput(where + " has " + ids.length + " tokens; model '" + info.name()
                        + "' takes at most " + context + " in all, leaving no room for new ones",
                        "shorten the prompt, or ask for truncation (truncatePrompt / --truncate) to keep its end");
            }
            int room = Math.max(1, Math.min(s.maxNewTokens(), context / 2));
            ids = Arrays.copyOfRange(ids, ids.length - (context - room), ids.length);
        }
        return ids;
    }

    private List<Generation> run(List<String> prompts, TextOptions options, TokenListener[] listeners) {
        return run(prompts, options, listeners, true);
    }

    /**
     * Generates for the prompts. A chat prompt is encoded without the tokenizer's special tokens: the
     * template writes them (a second BOS would change the model's input).
     */
    private List<Generation> run(List<String> prompts, TextOptions options, TokenListener[] listeners,
                                 boolean addSpecialTokens) {
        Objects.requireNonNull(options, "options");
        GenerationDefaults.Settings s = defaults.resolve(options);
        int rows = prompts.size();
        long[][] promptIds = new long[rows][];
        for (int b = 0; b < rows; b++) {
            promptIds[b] = encodePrompt(prompts.get(b), rows == 1 ? -1 : b, s, addSpecialTokens);
        }
        try {
            return decode(promptIds, s, listeners);
        } catch (OrtException e) {
            throw GenloomException.runFailed("model '" + info.name() + "' failed in " + graph.file().getFileName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Per-row state of one generation. */
    private static final class Row {
        final long[] prompt;
        final int pad;
        final int maxNew;
        final long[] sequence;
        int length;
        final long[] generated;
        int count;
        final LogitsProcessor processor;
        final TextStream stream;
        Generation.FinishReason finish;
        long finishedAt;

        Row(long[] prompt, int pad, int maxNew, LogitsProcessor processor, TextStream stream) {
            this.prompt = prompt;
            this.pad = pad;
            this.maxNew = maxNew;
            this.sequence = Arrays.copyOf(prompt, prompt.length + maxNew);
            this.length = prompt.length;
            this.generated = new long[maxNew];
            this.processor = processor;
            this.stream = stream;
            for (long t : prompt) {
                processor.observe(t);
            }
        }
    }

    private List<Generation> decode(long[][] prompts, GenerationDefaults.Settings s, TokenListener[] listeners)
            throws OrtException {
        final int rows = prompts.length;
        final int vocab = graph.vocabSize();
        int promptMax = 0;
        for (long[] p : prompts) {
            promptMax = Math.max(promptMax, p.length);
        }
        Row[] state = new Row[rows];
        int steps = 0;
        for (int b = 0; b < rows; b++) {
            int maxNew = (int) Math.max(1, Math.min(s.maxNewTokens(), (long) defaults.context() - prompts[b].length));
            steps = Math.max(steps, maxNew);
            state[b] = new Row(prompts[b], promptMax - prompts[b].length, maxNew,
                    new LogitsProcessor(s, defaults.eosIds(), vocab), new TextStream(tokenizer, listeners[b], s.stop()));
        }
        final int capacity = promptMax + steps;
        // every token fed to the model, left-padded: row b at fed[b * capacity + j]
        long[] fed = new long[rows * capacity];
        for (int b = 0; b < rows; b++) {
            Arrays.fill(fed, b * capacity, b * capacity + state[b].pad, defaults.padId());
            System.arraycopy(prompts[b], 0, fed, b * capacity + state[b].pad, prompts[b].length);
        }
        IndexBuffer ids = new IndexBuffer(graph.idType(), rows * capacity);
        IndexBuffer mask = new IndexBuffer(graph.maskType(), rows * capacity);
        IndexBuffer positions = graph.positionIds() ? new IndexBuffer(graph.positionType(), rows * capacity) : null;
        boolean fp16Logits = graph.logitsType() == OnnxJavaType.FLOAT16;
        int logitBytes = fp16Logits ? 2 : 4;
        float[] row = new float[vocab];

        long start = System.nanoTime();
        long prefillEnd = 0;
        List<AutoCloseable> owned = new ArrayList<>();
        OrtSession.Result previous = null;
        try {
            Map<String, OnnxTensor> emptyPast = new HashMap<>();
            long[] emptyShape = {rows, graph.kvHeads(), 0, graph.headDim()};
            for (int i = 0; i < graph.layers(); i++) {
                for (String name : List.of(DecoderGraph.pastKey(i), DecoderGraph.pastValue(i))) {
                    OnnxTensor t = graph.pastType() == OnnxJavaType.FLOAT16
                            ? OnnxTensor.createTensor(env, ShortBuffer.allocate(0), emptyShape, OnnxJavaType.FLOAT16)
                            : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyShape);
                    owned.add(t);
                    emptyPast.put(name, t);
                }
            }
            OnnxTensor branchFalse = null;
            OnnxTensor branchTrue = null;
            if (graph.useCacheBranch()) {
                branchFalse = OnnxTensor.createTensor(env, new boolean[] {false});
                owned.add(branchFalse);
                branchTrue = OnnxTensor.createTensor(env, new boolean[] {true});
                owned.add(branchTrue);
            }
            ByteBuffer stepLogits = ByteBuffer.allocateDirect(rows * vocab * logitBytes).order(ByteOrder.nativeOrder());
            OnnxTensor stepLogitsTensor = logitsTensor(stepLogits, new long[] {rows, 1, vocab});
            owned.add(stepLogitsTensor);

            int active = rows;
            for (int step = 0; active > 0; step++) {
                int total = promptMax + step;
                boolean withPast = cache && step > 0;
                int from = withPast ? total - 1 : 0;
                int width = total - from;
                for (int b = 0; b < rows; b++) {
                    int pad = state[b].pad;
                    for (int j = 0; j < total; j++) {
                        mask.put(b * total + j, j < pad ? 0 : 1);
                    }
                    for (int t = 0; t < width; t++) {
                        int j = from + t;
                        ids.put(b * width + t, fed[b * capacity + j]);
                        if (positions != null) {
                            positions.put(b * width + t, j < pad ? 1 : j - pad);
                        }
                    }
                }
                ByteBuffer logits = width == 1 ? stepLogits
                        : ByteBuffer.allocateDirect(Math.multiplyExact(rows * width, vocab * logitBytes))
                                .order(ByteOrder.nativeOrder());
                OrtSession.Result result;
                List<OnnxTensor> stepTensors = new ArrayList<>(4);
                try {
                    OnnxTensor logitsOut = width == 1 ? stepLogitsTensor
                            : track(stepTensors, logitsTensor(logits, new long[] {rows, width, vocab}));
                    Map<String, OnnxTensorLike> inputs = new HashMap<>();
                    inputs.put(DecoderGraph.INPUT_IDS, track(stepTensors, ids.tensor(env, new long[] {rows, width})));
                    inputs.put(DecoderGraph.ATTENTION_MASK, track(stepTensors, mask.tensor(env, new long[] {rows, total})));
                    if (positions != null) {
                        inputs.put(DecoderGraph.POSITION_IDS,
                                track(stepTensors, positions.tensor(env, new long[] {rows, width})));
                    }
                    if (graph.useCacheBranch()) {
                        inputs.put(DecoderGraph.USE_CACHE_BRANCH, withPast ? branchTrue : branchFalse);
                    }
                    for (int i = 0; i < graph.layers(); i++) {
                        for (String name : List.of(DecoderGraph.pastKey(i), DecoderGraph.pastValue(i))) {
                            inputs.put(name, withPast ? present(previous, name) : emptyPast.get(name));
                        }
                    }
                    result = session.run(inputs, presentNames, Map.of(DecoderGraph.LOGITS, logitsOut));
                } finally {
                    for (OnnxTensor t : stepTensors) {
                        t.close();
                    }
                }
                // the past fed to this step belongs to the previous result: release it now
                if (previous != null) {
                    previous.close();
                }
                previous = result;
                if (!cache) {
                    previous.close();
                    previous = null;
                }
                for (int b = 0; b < rows; b++) {
                    Row r = state[b];
                    long next = defaults.padId();
                    if (r.finish == null) {
                        readLastPosition(logits, fp16Logits, b, width, vocab, row);
                        int token = r.processor.next(row, r.sequence, r.length, r.count);
                        next = token;
                        r.generated[r.count++] = token;
                        if (defaults.isEos(token)) {
                            r.finish = r.stream.finish() ? Generation.FinishReason.STOP_STRING
                                    : Generation.FinishReason.EOS;
                        } else {
                            r.sequence[r.length++] = token;
                            r.processor.observe(token);
                            if (r.stream.add(token)) {
                                r.finish = Generation.FinishReason.STOP_STRING;
                            } else if (r.count == r.maxNew) {
                                r.finish = r.stream.finish() ? Generation.FinishReason.STOP_STRING
                                        : Generation.FinishReason.LENGTH;
                            }
                        }
                        if (r.finish != null) {
                            r.finishedAt = System.nanoTime();
                            active--;
                        }
                    }
                    if (total < capacity) {
                        fed[b * capacity + total] = next;
                    }
                }
                if (step == 0) {
                    prefillEnd = System.nanoTime();
                }
            }
        } finally {
            if (previous != null) {
                previous.close();
            }
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // tensors only; closing them does not fail
                }
            }
        }
        List<Generation> out = new ArrayList<>(rows);
        for (Row r : state) {
            out.add(new Generation(r.stream.text(), Arrays.copyOf(r.generated, r.count), r.prompt.length, r.finish,
                    prefillEnd - start, Math.max(0, r.finishedAt - prefillEnd)));
        }
        return out;
    }

    private static OnnxTensor track(List<OnnxTensor> list, OnnxTensor t) {
        list.add(t);
        return t;
    }

    private OnnxTensor logitsTensor(ByteBuffer buffer, long[] shape) throws OrtException {
        return graph.logitsType() == OnnxJavaType.FLOAT16
                ? OnnxTensor.createTensor(env, buffer.asShortBuffer(), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(env, buffer.asFloatBuffer(), shape);
    }

    private static OnnxTensorLike present(OrtSession.Result previous, String pastName) {
        String name = "present" + pastName.substring("past_key_values".length());
        OnnxValue v = previous.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        return (OnnxTensorLike) v;
    }

    /** Row b's logits at the last of {@code width} positions, as floats. */
    private static void readLastPosition(ByteBuffer logits, boolean fp16, int b, int width, int vocab, float[] out) {
        int offset = (b * width + width - 1) * vocab;
        if (fp16) {
            ShortBuffer sb = logits.asShortBuffer();
            for (int i = 0; i < vocab; i++) {
                out[i] = Fp16Conversions.fp16ToFloat(sb.get(offset + i));
            }
        } else {
            logits.asFloatBuffer().get(offset, out, 0, vocab);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw GenloomException.runFailed("closing model '" + info.name() + "' failed: " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "GptModel[" + info.name() + ", " + graph.file().getFileName() + ", " + graph.layers() + " layers]";
    }
}
