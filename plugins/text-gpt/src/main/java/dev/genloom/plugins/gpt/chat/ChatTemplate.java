package dev.genloom.plugins.gpt.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Hugging Face chat template: a Jinja2 template rendered the way {@code transformers}' {@code
 * apply_chat_template} does (trim_blocks and lstrip_blocks on, no autoescaping, with the globals
 * {@code raise_exception}, {@code strftime_now}, {@code range}, {@code namespace} and {@code dict},
 * and {@code tojson} as {@code json.dumps(ensure_ascii=False)}).
 *
 * <p>Instances are immutable and thread-safe; the template is parsed once.
 */
public final class ChatTemplate {

    private final String source;
    private final List<TemplateNode> body;
    private final Map<String, Object> specialTokens;
    private final Clock clock;

    private ChatTemplate(String source, List<TemplateNode> body, Map<String, Object> specialTokens, Clock clock) {
        this.source = source;
        this.body = body;
        this.specialTokens = specialTokens;
        this.clock = clock;
    }

    /**
     * Parses a template.
     *
     * @throws ChatTemplateException of kind SYNTAX, with line and column, when the source is malformed
     *     or names an unknown filter or test
     */
    public static ChatTemplate parse(String source) {
        Objects.requireNonNull(source, "source");
        return new ChatTemplate(source, Parser.parse(source), Map.of(), Clock.systemDefaultZone());
    }

    /**
     * The chat template of a model: the contents of its {@code chat_template.jinja} when given, else
     * the {@code chat_template} field of {@code tokenizer_config.json} (a string, or a list of
     * {@code {"name", "template"}} objects from which "default" is picked). The special tokens
     * ({@code bos_token}, {@code eos_token}, {@code unk_token}, {@code pad_token}; strings or
     * AddedToken-like objects with "content") are taken from the config.
     *
     * @return empty when the model has no chat template
     * @throws ChatTemplateException when the template does not parse, or when there are several named
     *     templates and none is called "default"
     */
    public static Optional<ChatTemplate> fromTokenizerConfig(JsonNode tokenizerConfig, Optional<String> jinjaFile) {
        return fromTokenizerConfig(tokenizerConfig, jinjaFile, "default");
    }

    /** As {@link #fromTokenizerConfig(JsonNode, Optional)}, picking the named template {@code name}. */
    public static Optional<ChatTemplate> fromTokenizerConfig(JsonNode tokenizerConfig, Optional<String> jinjaFile, String name) {
        Map<String, Object> tokens = specialTokens(tokenizerConfig);
        String source = null;
        if (jinjaFile != null && jinjaFile.isPresent() && !jinjaFile.get().isBlank()) {
            source = jinjaFile.get();
        } else if (tokenizerConfig != null) {
            JsonNode t = tokenizerConfig.get("chat_template");
            if (t != null && t.isTextual()) {
                source = t.textValue();
            } else if (t != null && t.isArray()) {
                List<String> names = new ArrayList<>();
                for (JsonNode entry : t) {
                    String n = entry.path("name").asText(null);
                    names.add(n);
                    if (name.equals(n) && entry.path("template").isTextual()) {
                        source = entry.path("template").textValue();
                    }
                }
                if (source == null && !names.isEmpty()) {
                    throw new ChatTemplateException(ChatTemplateException.Kind.SYNTAX,
                            "the model has several chat templates " + names + " and none is named '" + name + "'", 0, 0);
                }
            } else if (t != null && t.isObject()) {
                JsonNode chosen = t.get(name);
                if (chosen != null && chosen.isTextual()) {
                    source = chosen.textValue();
                }
            }
        }
        if (source == null) {
            return Optional.empty();
        }
        ChatTemplate parsed = parse(source);
        return Optional.of(new ChatTemplate(parsed.source, parsed.body, tokens, parsed.clock));
    }

    private static Map<String, Object> specialTokens(JsonNode config) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (config == null) {
            return m;
        }
        for (String key : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            JsonNode v = config.get(key);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isTextual()) {
                m.put(key, v.textValue());
            } else if (v.isObject() && v.path("content").isTextual()) {
                m.put(key, v.path("content").textValue());
            }
        }
        return Map.copyOf(m);
    }

    /** A copy whose {@code strftime_now} reads this clock (for reproducible renders). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(source, body, specialTokens, Objects.requireNonNull(clock));
    }

    /** A copy with these special tokens (for example {@code bos_token}) in every render's context. */
    public ChatTemplate withSpecialTokens(Map<String, String> tokens) {
        return new ChatTemplate(source, body, Map.copyOf(tokens), clock);
    }

    public String source() {
        return source;
    }

    /** The special tokens put in the context by {@link #render(List, boolean, Map)}. */
    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /**
     * Renders with an explicit context. Values may be Java strings, numbers, booleans, lists, maps,
     * arrays, {@link Message}s or Jackson {@link JsonNode}s.
     *
     * @throws ChatTemplateException of kind RENDER or RAISED ({@code raise_exception}) with a position
     */
    public String render(Map<String, Object> context) {
        return new Interpreter(source, globals()).render(body, context);
    }

    private Map<String, Object> globals() {
        Map<String, Object> g = new LinkedHashMap<>(Builtins.globals(clock));
        g.put("raise_exception", (TemplateValues.Callable) (a, k) -> {
            throw new Interpreter.RaiseSignal(a.isEmpty() ? "raise_exception called" : TemplateValues.str(a.get(0)));
        });
        return g;
    }

    /**
     * Renders a conversation as {@code apply_chat_template(messages, add_generation_prompt=...)} does:
     * the context holds {@code messages} (maps with role and content), {@code add_generation_prompt},
     * the special tokens, {@code tools} and {@code documents} (None unless given), and {@code extra} (for example {@code tools}, {@code date_string}, or
     * overrides of the special tokens).
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> ctx = new LinkedHashMap<>(specialTokens);
        // transformers always passes these two, as None when not given: templates test "tools is not none"
        ctx.put("tools", null);
        ctx.put("documents", null);
        if (extra != null) {
            ctx.putAll(extra);
        }
        List<Object> msgs = new ArrayList<>(messages.size());
        for (Message m : messages) {
            msgs.add(m.toMap());
        }
        ctx.put("messages", msgs);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        return render(ctx);
    }
}
