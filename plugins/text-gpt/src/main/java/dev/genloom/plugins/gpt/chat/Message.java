package dev.genloom.plugins.gpt.chat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One chat message as chat templates see it: a map with {@code role} and {@code content}, plus any
 * extra fields (for example {@code tool_calls} or {@code name}) that some templates read.
 */
public record Message(String role, String content, Map<String, Object> extra) {

    public Message {
        Objects.requireNonNull(role, "role");
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public Message(String role, String content) {
        this(role, content, Map.of());
    }

    public static Message system(String content) {
        return new Message("system", content);
    }

    public static Message user(String content) {
        return new Message("user", content);
    }

    public static Message assistant(String content) {
        return new Message("assistant", content);
    }

    /** The map the template sees: {@code role}, {@code content}, then the extra fields. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        m.putAll(extra);
        return m;
    }
}
