package dev.karuku.engine.conversation;

import java.time.Instant;
import java.util.Objects;

/// One message as it was saved. An assistant message whose answer was cut off by a crash has `stats == null`
/// and the text that reached the disk before the crash.
///
/// @param id      stable within its conversation ("m1", "m2", …)
/// @param role    who wrote it
/// @param text    the whole text (for an assistant message: every token batch saved so far)
/// @param created when it was started
/// @param stats   how an assistant answer went; null for user messages and unfinished answers
/// @param error   why an unfinished answer stopped, as the person was told (the model's process stopped, a server
///                stopped sending); null when it was not told: Karuku closed or crashed while the answer streamed
public record StoredMessage(String id, Role role, String text, Instant created, MessageStats stats, String error) {
    public StoredMessage(String id, Role role, String text, Instant created, MessageStats stats) {
        this(id, role, text, created, stats, null);
    }

    public StoredMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(created, "created");
    }

    StoredMessage withText(String newText) {
        return new StoredMessage(id, role, newText, created, stats, error);
    }

    StoredMessage withStats(MessageStats newStats) {
        return new StoredMessage(id, role, text, created, newStats, error);
    }

    StoredMessage withError(String newError) {
        return new StoredMessage(id, role, text, created, stats, newError);
    }
}
