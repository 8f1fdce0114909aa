package dev.genloom.plugins.gpt;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.api.ChatMessage;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;
import dev.genloom.api.io.UserFiles;
import dev.genloom.plugins.gpt.chat.ChatTemplate;
import dev.genloom.plugins.gpt.chat.Message;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;
import dev.genloom.spi.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoder-only language model over one ONNX session. Each call runs a prefill over the
 * (left-padded) prompts and then one token per step, in a {@link GenerationRun} of its own (which
 * holds the inputs, the KV cache and the logits buffer); this class processes the logits, picks
 * the tokens, streams the text and finishes the rows. Safe for concurrent calls: every call has
 * its own state.
 */
final class GptModel implements TextToText {

    private final ModelInfo info;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final DecoderGraph graph;
    private final Tokenizer tokenizer;
    private final GenerationDefaults defaults;
    private final boolean cache;
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
            jinja = Optional.of(UserFiles.readUtf8(ctx.folder().resolve("chat_template.jinja"), "chat template",
                    Integer.MAX_VALUE - 16, null));
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
        try (TokenizerLoad tokenizerLoad = TokenizerLoad.start(ctx, ctx.folder().resolve("tokenizer.json"))) {
            OrtSession session = ctx.sessions().open(file);
            Tokenizer tokenizer = null;
            try {
                DecoderGraph graph = DecoderGraph.read(session, file, config);
                tokenizer = tokenizerLoad.get();
                return new GptModel(ctx, session, graph, tokenizer, GenerationDefaults.read(config, generation), cache);
            } catch (RuntimeException e) {
                throw Release.after(e, tokenizer, session);
            }
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
        final int maxNew;
        final long[] sequence;
        int length;
        final long[] generated;
        int count;
        final LogitsProcessor processor;
        final TextStream stream;
        Generation.FinishReason finish;
        long finishedAt;

        Row(long[] prompt, int maxNew, LogitsProcessor processor, TextStream stream) {
            this.prompt = prompt;
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

        /**
         * Takes the row's next token: into the sequence and the text stream unless it ends the
         * sequence. True where the row has finished, at end-of-sequence, a stop string or its token
         * limit (then {@link #finish} says which).
         */
        boolean add(int token, boolean eos) {
            generated[count++] = token;
            if (eos) {
                finish = stream.finish() ? Generation.FinishReason.STOP_STRING : Generation.FinishReason.EOS;
            } else {
                sequence[length++] = token;
                processor.observe(token);
                if (stream.add(token)) {
                    finish = Generation.FinishReason.STOP_STRING;
                } else if (count == maxNew) {
                    finish = stream.finish() ? Generation.FinishReason.STOP_STRING : Generation.FinishReason.LENGTH;
                }
            }
            if (finish == null) {
                return false;
            }
            finishedAt = System.nanoTime();
            return true;
        }
    }

    /**
     * Prefill, then per step: each unfinished row's logits processed and its token picked, the token
     * streamed as text, the row finished at end-of-sequence, a stop string or its token limit; then
     * the next step, until every row has finished.
     */
    private List<Generation> decode(long[][] prompts, GenerationDefaults.Settings s, TokenListener[] listeners)
            throws OrtException {
        int rows = prompts.length;
        Row[] state = new Row[rows];
        int steps = 0;
        for (int b = 0; b < rows; b++) {
            int maxNew = (int) Math.max(1, Math.min(s.maxNewTokens(), (long) defaults.context() - prompts[b].length));
            steps = Math.max(steps, maxNew);
            state[b] = new Row(prompts[b], maxNew, new LogitsProcessor(s, defaults.eosIds(), graph.vocabSize()),
                    new TextStream(tokenizer, listeners[b], s.stop()));
        }
        float[] logits = new float[graph.vocabSize()];
        long[] next = new long[rows];
        long start = System.nanoTime();
        long prefillEnd = 0;
        try (GenerationRun run = new GenerationRun(graph, env, session, cache, prompts, steps, defaults.padId())) {
            run.prefill();
            for (int step = 0, active = rows; ; step++) {
                for (int b = 0; b < rows; b++) {
                    Row r = state[b];
                    next[b] = defaults.padId();
                    if (r.finish != null) {
                        continue;
                    }
                    run.lastLogits(b, logits);
                    int token = r.processor.next(logits, r.sequence, r.length, r.count);
                    next[b] = token;
                    if (r.add(token, defaults.isEos(token))) {
                        active--;
                    }
                }
                if (step == 0) {
                    prefillEnd = System.nanoTime();
                }
                if (active == 0) {
                    break;
                }
                run.step(next);
            }
        }
        List<Generation> out = new ArrayList<>(rows);
        for (Row r : state) {
            out.add(new Generation(r.stream.text(), Arrays.copyOf(r.generated, r.count), r.prompt.length, r.finish,
                    prefillEnd - start, Math.max(0, r.finishedAt - prefillEnd)));
        }
        return out;
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
