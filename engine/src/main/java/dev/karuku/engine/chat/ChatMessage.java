package dev.karuku.engine.chat;

import java.util.Objects;

/// One message of a conversation.
///
/// @param reasoning an assistant's thinking before its answer (what it wrote between `<think>` and `</think>`),
///                  kept apart from `content` so the chat template decides whether the model sees it again (most
///                  reasoning templates drop it from earlier turns; one that knows `reasoning_content` places it);
///                  null for none
public record ChatMessage(ChatRole role, String content, String reasoning) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (reasoning != null && reasoning.isEmpty()) reasoning = null;
    }

    public ChatMessage(ChatRole role, String content) {
        this(role, content, null);
    }

    public static ChatMessage system(String text) {
        return new ChatMessage(ChatRole.SYSTEM, text);
    }

    public static ChatMessage user(String text) {
        return new ChatMessage(ChatRole.USER, text);
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(ChatRole.ASSISTANT, text);
    }

    /// An assistant's answer with the thinking that came before it (null or empty: none).
    public static ChatMessage assistant(String text, String reasoning) {
        return new ChatMessage(ChatRole.ASSISTANT, text, reasoning);
    }
}
