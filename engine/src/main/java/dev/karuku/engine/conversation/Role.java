package dev.karuku.engine.conversation;

/// Who wrote a message. The system prompt is kept on the conversation, not as a message, so a conversation's
/// messages alternate between the user and the assistant.
public enum Role {
    USER,
    ASSISTANT;

    /// The role saved as `name`, or null for one this version does not know (a newer version's file).
    static Role parse(String name) {
        for (Role r : values()) if (r.name().equals(name)) return r;
        return null;
    }
}
