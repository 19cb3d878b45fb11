package dev.karuku.engine.conversation;

import dev.karuku.engine.store.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/// Appends to one conversation's log while the user chats. Every call writes its line at once (so a killed
/// process loses nothing already handed over); the data is forced to the disk when a message is added or
/// finished and, while an answer streams, at most every [#SYNC_INTERVAL_MILLIS] — a power cut loses at most the
/// last token batch. Thread-safe; callers should still call it off the UI thread (it does disk I/O).
public final class ConversationWriter implements AutoCloseable {
    /// Longest time streamed text may stay unsynced.
    public static final long SYNC_INTERVAL_MILLIS = 250;

    private final String id;
    private final FileChannel channel;
    private final Clock clock;
    private int lastNumber;
    private long lastSync;
    private boolean dirty;

    ConversationWriter(String id, Path file, int lastNumber, Clock clock) {
        this.id = id;
        this.clock = clock;
        this.lastNumber = lastNumber;
        try {
            // a log whose last line was torn (power cut, full disk) gets its newline first: appended to the torn
            // line, the new entry would be unreadable too
            int last = PrivateFiles.lastByte(file);
            boolean torn = last >= 0 && last != '\n';
            this.channel = PrivateFiles.openForAppend(file);
            if (torn) {
                ByteBuffer nl = ByteBuffer.wrap(new byte[] {'\n'});
                while (nl.hasRemaining()) channel.write(nl);
            }
        } catch (IOException e) {
            throw new ConversationException("Could not open conversation " + id + " for writing: " + e.getMessage(), e);
        }
        this.lastSync = clock.millis();
    }

    /// The conversation this writes to.
    public String id() {
        return id;
    }

    /// Adds a complete message (a user's message) and syncs; returns its id.
    public synchronized String add(Role role, String text) {
        String msg = "m" + (++lastNumber);
        write(LogEntry.add(msg, role, Objects.requireNonNull(text), clock.millis()));
        sync();
        return msg;
    }

    /// Starts a message that will stream in (the assistant's answer); returns its id.
    public synchronized String begin(Role role) {
        String msg = "m" + (++lastNumber);
        write(LogEntry.add(msg, role, "", clock.millis()));
        sync();
        return msg;
    }

    /// Appends a batch of streamed text to message `msg`.
    public synchronized void append(String msg, String text) {
        if (text.isEmpty()) return;
        write(LogEntry.append(msg, text));
        if (clock.millis() - lastSync >= SYNC_INTERVAL_MILLIS) sync();
    }

    /// Marks message `msg` finished with its statistics, and syncs.
    public synchronized void finish(String msg, MessageStats stats) {
        write(LogEntry.finish(msg, stats));
        sync();
    }

    /// Marks message `msg` as ended early for `reason` (what the person was told), and syncs: reopened, the answer
    /// still says why it is cut off.
    public synchronized void fail(String msg, String reason) {
        write(LogEntry.fail(msg, reason));
        sync();
    }

    /// Removes message `msg` and every later one (before regenerating or resending an edit).
    public synchronized void truncateFrom(String msg) {
        write(LogEntry.truncate(msg));
        sync();
    }

    /// Keeps message `msg` and everything after it as an older version: the next message added takes its place, as
    /// its sibling (regenerating an answer, resending an edited message).
    public synchronized void branchFrom(String msg) {
        write(LogEntry.branch(msg));
        sync();
    }

    /// Shows the version of the conversation that goes through message `msg` (one of its siblings).
    public synchronized void select(String msg) {
        write(LogEntry.select(msg));
        sync();
    }

    /// Sets the conversation's title.
    public synchronized void rename(String title) {
        write(LogEntry.title(title));
        sync();
    }

    /// Sets the system prompt used from now on.
    public synchronized void systemPrompt(String prompt) {
        write(LogEntry.system(prompt));
        sync();
    }

    /// Remembers that the system prompt goes at the start of the first user message (true) instead of as a system
    /// message: the model's chat template refused a system role, and the conversation reopens as it was.
    public synchronized void systemPromptInFirstMessage(boolean inFirstMessage) {
        write(LogEntry.fold(inFirstMessage));
        sync();
    }

    /// Forces written data to the disk if anything is unsynced.
    public synchronized void sync() {
        if (!dirty) return;
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new ConversationException("Could not save conversation " + id + ": " + e.getMessage(), e);
        }
        dirty = false;
        lastSync = clock.millis();
    }

    @Override
    public synchronized void close() {
        try {
            sync();
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a successful force loses nothing
            }
        }
    }

    void write(LogEntry entry) {
        ByteBuffer bytes = ByteBuffer.wrap(ConversationLog.line(entry).getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
        } catch (IOException e) {
            throw new ConversationException("Could not save conversation " + id + ": " + e.getMessage(), e);
        }
        dirty = true;
    }
}
