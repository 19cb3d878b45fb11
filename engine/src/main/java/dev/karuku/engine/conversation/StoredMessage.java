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
public record StoredMessage(String id, Role role, String text, Instant created, MessageStats stats) {
    public StoredMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(created, "created");
    }

    StoredMessage withText(String newText) {
        return new StoredMessage(id, role, newText, created, stats);
    }

    StoredMessage withStats(MessageStats newStats) {
        return new StoredMessage(id, role, text, created, newStats);
    }
}
