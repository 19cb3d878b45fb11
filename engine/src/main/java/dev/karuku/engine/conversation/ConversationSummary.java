package dev.karuku.engine.conversation;

import java.time.Instant;

/// What the conversation list shows, read without replaying every message.
///
/// @param id      the conversation's id (its file name without extension)
/// @param title   the title the user gave it, or the one made from its first message
/// @param updated when it was last written
public record ConversationSummary(String id, String title, Instant updated) {}
