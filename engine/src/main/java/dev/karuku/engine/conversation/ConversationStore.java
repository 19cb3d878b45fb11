package dev.karuku.engine.conversation;

import dev.karuku.engine.store.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/// The user's conversations, one append-only JSON-lines log per conversation in one folder, so they survive
/// restarts and crashes. Every method does disk I/O: call it off the UI thread.
public final class ConversationStore {
    private static final String SUFFIX = ".jsonl";
    private static final System.Logger LOG = System.getLogger("dev.karuku.engine.conversation");

    private final Path dir;
    private final Clock clock;

    public ConversationStore(Path dir) {
        this(dir, Clock.systemUTC());
    }

    public ConversationStore(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /// The folder the logs live in.
    public Path dir() {
        return dir;
    }

    /// Starts a new conversation titled `title` and returns a writer for it.
    public ConversationWriter create(String title) {
        try {
            PrivateFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new ConversationException("Could not create the conversations folder " + dir + ": " + e.getMessage(), e);
        }
        String id = "c" + clock.millis() + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        ConversationWriter writer = new ConversationWriter(id, file(id), 0, clock);
        writer.write(LogEntry.meta(title, clock.millis()));
        writer.sync();
        return writer;
    }

    /// Every conversation, most recently updated first. Reads only titles, not the messages. A log that cannot be
    /// read at all is left out (and logged); one with unreadable lines is listed with what can be read.
    public List<ConversationSummary> list() {
        if (!Files.isDirectory(dir)) return List.of();
        List<ConversationSummary> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
                try {
                    out.add(summary(f));
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not read conversation " + f.getFileName() + "; left out of the list", e);
                }
            }
        } catch (IOException e) {
            throw new ConversationException("Could not list conversations in " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(ConversationSummary::updated).reversed().thenComparing(ConversationSummary::id));
        return out;
    }

    /// A conversation that mentions what was searched for, and where: `snippet` is the text around the first match
    /// (its title when only the title matches).
    public record SearchHit(ConversationSummary conversation, String snippet) {}

    /// The conversations whose title, system prompt or messages (the shown version) contain `query`, ignoring case,
    /// most recently updated first; empty for a blank query. Replays every log: fine for the hundreds a person keeps.
    public List<SearchHit> search(String query) {
        if (query == null || query.isBlank()) return List.of();
        String q = query.strip().toLowerCase(java.util.Locale.ROOT);
        List<SearchHit> hits = new ArrayList<>();
        for (ConversationSummary s : list()) {
            try {
                Conversation c = load(s.id());
                String snippet = c.title().toLowerCase(java.util.Locale.ROOT).contains(q) ? c.title() : null;
                for (String text : texts(c)) {
                    if (snippet != null && !snippet.equals(c.title())) break;
                    int at = text.toLowerCase(java.util.Locale.ROOT).indexOf(q);
                    if (at >= 0) {
                        snippet = snippet(text, at, q.length());
                        break;
                    }
                }
                if (snippet != null) hits.add(new SearchHit(s, snippet));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not search conversation " + s.id(), e);
            }
        }
        return hits;
    }

    private static List<String> texts(Conversation c) {
        List<String> out = new ArrayList<>();
        out.add(c.systemPrompt());
        for (StoredMessage m : c.messages()) out.add(m.text());
        return out;
    }

    /// About forty characters either side of the match, on one line.
    private static String snippet(String text, int at, int length) {
        int from = Math.max(0, at - 40), to = Math.min(text.length(), at + length + 40);
        return (from > 0 ? "…" : "") + text.substring(from, to).replaceAll("\\s+", " ").strip() + (to < text.length() ? "…" : "");
    }

    /// Replays conversation `id`.
    public Conversation load(String id) {
        Path f = existing(id);
        return ConversationLog.replay(id, f).toConversation();
    }

    /// Opens conversation `id` to continue it.
    public ConversationWriter open(String id) {
        Path f = existing(id);
        return new ConversationWriter(id, f, ConversationLog.replay(id, f).lastNumber, clock);
    }

    /// Renames conversation `id`.
    public void rename(String id, String title) {
        try (ConversationWriter w = new ConversationWriter(id, existing(id), 0, clock)) {
            w.rename(title);
        }
    }

    /// Deletes conversation `id` for good.
    public void delete(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new ConversationException("Could not delete conversation " + id + ": " + e.getMessage(), e);
        }
    }

    private ConversationSummary summary(Path f) throws IOException {
        String name = f.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        String title = "";
        for (String line : ConversationLog.lines(f)) {
            if (line.startsWith("{\"op\":\"meta\"") || line.startsWith("{\"op\":\"title\"")) {
                LogEntry e = ConversationLog.entry(line);
                if (e != null && e.text() != null) title = e.text(); // else keep the previous title
            }
        }
        Instant updated = Files.getLastModifiedTime(f).toInstant();
        return new ConversationSummary(id, title, updated);
    }

    private Path existing(String id) {
        Path f = file(id);
        if (!Files.isRegularFile(f)) throw new ConversationException("Conversation " + id + " does not exist (looked for " + f + ").");
        return f;
    }

    private Path file(String id) {
        if (!id.matches("[A-Za-z0-9_-]+")) throw new ConversationException("Not a conversation id: " + id);
        return dir.resolve(id + SUFFIX);
    }
}
