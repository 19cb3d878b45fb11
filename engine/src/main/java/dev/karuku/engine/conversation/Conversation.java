package dev.karuku.engine.conversation;

import java.time.Instant;
import java.util.List;

/// A whole conversation as replayed from its log.
///
/// @param id           its id
/// @param title        its title
/// @param systemPrompt the system prompt in force (empty for none)
/// @param created      when it was started
/// @param messages     its messages, oldest first
public record Conversation(String id, String title, String systemPrompt, Instant created, List<StoredMessage> messages) {
    public Conversation {
        messages = List.copyOf(messages);
    }
}
