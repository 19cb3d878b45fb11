package dev.karuku.engine.conversation;

/// Who wrote a message. The system prompt is kept on the conversation, not as a message, so a conversation's
/// messages alternate between the user and the assistant.
public enum Role {
    USER,
    ASSISTANT
}
