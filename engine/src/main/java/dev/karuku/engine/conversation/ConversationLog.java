package dev.karuku.engine.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Replays a conversation's log into a [Conversation]. A line that cannot be parsed — the torn last line of a
/// process killed mid-write — is skipped, so whatever was saved before it is kept.
final class ConversationLog {
    static final ObjectMapper JSON = new ObjectMapper();

    private ConversationLog() {}

    static String line(LogEntry entry) {
        try {
            return JSON.writeValueAsString(entry) + "\n";
        } catch (JsonProcessingException e) {
            throw new ConversationException("Could not encode a conversation entry: " + e.getOriginalMessage(), e);
        }
    }

    /// Replays `file`; `id` is the conversation's id.
    static Replay replay(String id, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConversationException("Could not read conversation " + id + ": " + e.getMessage(), e);
        }
        Replay replay = new Replay(id);
        for (String line : lines) {
            if (line.isBlank()) continue;
            LogEntry entry;
            try {
                entry = JSON.readValue(line, LogEntry.class);
            } catch (IOException torn) {
                continue;
            }
            replay.apply(entry);
        }
        return replay;
    }

    /// The state a log replays to; the writer keeps using it to number new messages.
    static final class Replay {
        final String id;
        String title = "";
        String systemPrompt = "";
        Instant created = Instant.EPOCH;
        final Map<String, StoredMessage> messages = new LinkedHashMap<>();
        int lastNumber;

        Replay(String id) {
            this.id = id;
        }

        void apply(LogEntry e) {
            switch (e.op()) {
                case "meta" -> {
                    title = nonNull(e.text());
                    created = e.at() == null ? Instant.EPOCH : Instant.ofEpochMilli(e.at());
                }
                case "title" -> title = nonNull(e.text());
                case "system" -> systemPrompt = nonNull(e.text());
                case "add" -> {
                    Role role = Role.valueOf(e.role());
                    Instant at = e.at() == null ? Instant.EPOCH : Instant.ofEpochMilli(e.at());
                    messages.put(e.msg(), new StoredMessage(e.msg(), role, nonNull(e.text()), at, null));
                    lastNumber = Math.max(lastNumber, number(e.msg()));
                }
                case "append" -> messages.computeIfPresent(e.msg(), (k, m) -> m.withText(m.text() + nonNull(e.text())));
                case "finish" -> messages.computeIfPresent(e.msg(), (k, m) -> m.withStats(e.stats()));
                case "truncate" -> {
                    boolean dropping = false;
                    for (var it = messages.keySet().iterator(); it.hasNext(); ) {
                        if (it.next().equals(e.msg())) dropping = true;
                        if (dropping) it.remove();
                    }
                }
                default -> { /* an operation from a newer version: ignore rather than lose the conversation */ }
            }
        }

        Conversation toConversation() {
            return new Conversation(id, title, systemPrompt, created, new ArrayList<>(messages.values()));
        }

        private static int number(String msgId) {
            try {
                return Integer.parseInt(msgId.substring(1));
            } catch (RuntimeException e) {
                return 0;
            }
        }

        private static String nonNull(String s) {
            return s == null ? "" : s;
        }
    }
}
