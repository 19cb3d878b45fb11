package dev.karuku.engine.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Replays a conversation's log into a [Conversation]. What cannot be read is skipped and counted, so whatever
/// else was saved is kept: the torn last line of a process killed mid-write, bytes that are not UTF-8 (a torn
/// Japanese character), and entries of a newer version (an unknown operation, role or field).
final class ConversationLog {
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);
    private static final System.Logger LOG = System.getLogger("dev.karuku.engine.conversation");

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
            lines = lines(file);
        } catch (IOException e) {
            throw new ConversationException("Could not read conversation " + id + ": " + e.getMessage(), e);
        }
        Replay replay = new Replay(id);
        for (String line : lines) {
            if (line.isBlank()) continue;
            LogEntry entry = entry(line);
            if (entry == null || !replay.apply(entry)) replay.unreadable++;
        }
        if (replay.unreadable > 0) {
            LOG.log(System.Logger.Level.WARNING, "Conversation {0}: skipped {1} unreadable line(s) of {2}; the rest is shown",
                    id, replay.unreadable, file.getFileName());
        }
        return replay;
    }

    /// The entry on `line`, or null when it is not one (torn, or not JSON).
    static LogEntry entry(String line) {
        try {
            return JSON.readValue(line, LogEntry.class);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /// The file's lines; a line holding bytes that are not UTF-8 keeps them as U+FFFD instead of failing the file.
    static List<String> lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            text = new String(bytes, StandardCharsets.UTF_8); // replaces what does not decode
        }
        return text.lines().toList();
    }

    /// The state a log replays to; the writer keeps using it to number new messages.
    ///
    /// Messages form a tree: each one's parent is the end of the shown path when it was added (`branch` moves that
    /// end back to before a message, so the next one is its sibling). Each parent shows its last added or selected
    /// child; the conversation is the path that follows them from the start.
    static final class Replay {
        private static final String ROOT = "";
        final String id;
        String title = "";
        String systemPrompt = "";
        boolean systemInFirstMessage;
        Instant created = Instant.EPOCH;
        final Map<String, StoredMessage> messages = new LinkedHashMap<>();
        private final Map<String, String> parent = new java.util.HashMap<>();
        private final Map<String, List<String>> children = new java.util.HashMap<>();
        private final Map<String, String> shown = new java.util.HashMap<>();
        /// The message the next one is added after (ROOT: the start).
        private String cursor = ROOT;
        int lastNumber;
        int unreadable;

        Replay(String id) {
            this.id = id;
        }

        /// Applies `e`; false when it cannot be applied (an operation or role of a newer version, a missing field).
        boolean apply(LogEntry e) {
            if (e.op() == null) return false;
            switch (e.op()) {
                case "meta" -> {
                    title = nonNull(e.text());
                    created = e.at() == null ? Instant.EPOCH : Instant.ofEpochMilli(e.at());
                }
                case "title" -> title = nonNull(e.text());
                case "system" -> systemPrompt = nonNull(e.text());
                case "fold" -> systemInFirstMessage = "first-message".equals(e.text());
                case "add" -> {
                    Role role = Role.parse(e.role());
                    if (role == null || e.msg() == null) return false;
                    Instant at = e.at() == null ? Instant.EPOCH : Instant.ofEpochMilli(e.at());
                    messages.put(e.msg(), new StoredMessage(e.msg(), role, nonNull(e.text()), at, null));
                    parent.put(e.msg(), cursor);
                    children.computeIfAbsent(cursor, k -> new ArrayList<>()).add(e.msg());
                    shown.put(cursor, e.msg());
                    cursor = e.msg();
                    lastNumber = Math.max(lastNumber, number(e.msg()));
                }
                case "append" -> {
                    if (e.msg() == null) return false;
                    messages.computeIfPresent(e.msg(), (k, m) -> m.withText(m.text() + nonNull(e.text())));
                }
                case "finish" -> {
                    if (e.msg() == null) return false;
                    messages.computeIfPresent(e.msg(), (k, m) -> m.withStats(e.stats()));
                }
                case "fail" -> {
                    if (e.msg() == null) return false;
                    messages.computeIfPresent(e.msg(), (k, m) -> m.withError(nonNull(e.text())));
                }
                case "truncate" -> {
                    if (e.msg() == null || !messages.containsKey(e.msg())) return e.msg() != null;
                    String p = parent.get(e.msg());
                    remove(e.msg());
                    List<String> siblings = children.getOrDefault(p, List.of());
                    if (siblings.isEmpty()) shown.remove(p);
                    else shown.put(p, siblings.getLast());
                    cursor = p;
                }
                case "branch" -> {
                    if (e.msg() == null || !messages.containsKey(e.msg())) return false;
                    cursor = parent.get(e.msg());
                }
                case "select" -> {
                    if (e.msg() == null || !messages.containsKey(e.msg())) return false;
                    shown.put(parent.get(e.msg()), e.msg());
                    cursor = end(e.msg());
                }
                default -> {
                    return false; // an operation of a newer version: skipped rather than losing the conversation
                }
            }
            return true;
        }

        /// Drops `msg` and everything that follows it.
        private void remove(String msg) {
            for (String child : List.copyOf(children.getOrDefault(msg, List.of()))) remove(child);
            children.remove(msg);
            shown.remove(msg);
            messages.remove(msg);
            String p = parent.remove(msg);
            List<String> siblings = children.get(p);
            if (siblings != null) siblings.remove(msg);
        }

        /// The last message of the shown path through `msg`.
        private String end(String msg) {
            String at = msg;
            while (shown.containsKey(at)) at = shown.get(at);
            return at;
        }

        Conversation toConversation() {
            List<StoredMessage> path = new ArrayList<>();
            Map<String, List<String>> versions = new LinkedHashMap<>();
            for (String at = shown.get(ROOT); at != null; at = shown.get(at)) {
                path.add(messages.get(at));
                List<String> siblings = children.get(parent.get(at));
                if (siblings != null && siblings.size() > 1) versions.put(at, List.copyOf(siblings));
            }
            return new Conversation(id, title, systemPrompt, created, path, unreadable, versions, systemInFirstMessage);
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
