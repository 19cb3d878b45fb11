package dev.karuku.engine.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/// A whole conversation as replayed from its log.
///
/// @param id           its id
/// @param title        its title
/// @param systemPrompt the system prompt in force (empty for none)
/// @param created      when it was started
/// @param messages     its messages, oldest first
/// @param unreadable   lines of its log that could not be read and were skipped (a torn write, bad bytes, an entry
///                     of a newer version); 0 for a clean log
/// @param versions     for a message that has other versions (an answer regenerated, a message edited and resent):
///                     the ids of all its versions, oldest first, itself among them; messages with one version are
///                     not listed
/// @param systemInFirstMessage the system prompt goes at the start of the first user message, not as a system
///                     message: the model's chat template refused a system role
public record Conversation(String id, String title, String systemPrompt, Instant created, List<StoredMessage> messages,
                           int unreadable, Map<String, List<String>> versions, boolean systemInFirstMessage) {
    public Conversation {
        messages = List.copyOf(messages);
        versions = versions == null ? Map.of() : Map.copyOf(versions);
    }

    public Conversation(String id, String title, String systemPrompt, Instant created, List<StoredMessage> messages,
                        int unreadable, Map<String, List<String>> versions) {
        this(id, title, systemPrompt, created, messages, unreadable, versions, false);
    }

    public Conversation(String id, String title, String systemPrompt, Instant created, List<StoredMessage> messages,
                        int unreadable) {
        this(id, title, systemPrompt, created, messages, unreadable, Map.of());
    }

    /// A conversation whose log was read whole.
    public Conversation(String id, String title, String systemPrompt, Instant created, List<StoredMessage> messages) {
        this(id, title, systemPrompt, created, messages, 0);
    }

    /// The versions of message `msg`, oldest first (just `msg` when it has no other).
    public List<String> versionsOf(String msg) {
        return versions.getOrDefault(msg, List.of(msg));
    }
}
