package dev.genloom.api;

import java.util.Objects;

/** One message of a chat: a role ({@code system}, {@code user}, {@code assistant}) and its text. */
public record ChatMessage(String role, String content) {
    /** @throws NullPointerException where the role or the content is null */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A system message: instructions for the assistant. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /** A message from the user. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** A message from the assistant (an earlier answer). */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
