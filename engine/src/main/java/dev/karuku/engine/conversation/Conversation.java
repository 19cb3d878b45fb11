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
/// @param unreadable   lines of its log that could not be read and were skipped (a torn write, bad bytes, an entry
///                     of a newer version); 0 for a clean log
public record Conversation(String id, String title, String systemPrompt, Instant created, List<StoredMessage> messages,
                           int unreadable) {
    public Conversation {
        messages = List.copyOf(messages);
    }

    /// A conversation whose log was read whole.
    public Conversation(String id, String title, String systemPrompt, Instant created, List<StoredMessage> messages) {
        this(id, title, systemPrompt, created, messages, 0);
    }
}
