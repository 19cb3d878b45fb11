package dev.karuku.app.chat;

import dev.karuku.engine.chat.ThinkingText;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

/// One message on the Chat screen. The text grows once per pulse while the answer streams.
///
/// A reasoning model's reply arrives as `<think>…</think>` and the answer ([ThinkingText]): [#text()] is the
/// answer, [#thinking()] the thinking, each growing as the reply streams; the log keeps the reply as written.
public final class MessageItem {
    private final Role role;
    /// The id in the conversation log; set by the disk thread, read by later disk tasks (same thread).
    final AtomicReference<String> storedId = new AtomicReference<>();
    private final ReadOnlyStringWrapper text;
    private final ReadOnlyStringWrapper thinking = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper thinkingDone = new ReadOnlyBooleanWrapper(true);
    private final ReadOnlyLongWrapper thinkingMillis = new ReadOnlyLongWrapper(-1);
    /// Whether the thinking is shown: open while the model thinks, closed once the answer begins, then the user's.
    private final BooleanProperty thinkingShown = new SimpleBooleanProperty(false);
    private final ReadOnlyBooleanWrapper streaming = new ReadOnlyBooleanWrapper(false);
    /// The ids of this message's versions, oldest first, its own among them; empty while it has only one.
    private final ReadOnlyObjectWrapper<java.util.List<String>> versions = new ReadOnlyObjectWrapper<>(java.util.List.of());
    private final ReadOnlyObjectWrapper<MessageStats> stats = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final javafx.beans.property.ReadOnlyIntegerWrapper promptTokens = new javafx.beans.property.ReadOnlyIntegerWrapper(-1);
    /// The reply as the model wrote it (tags included); what the log holds.
    private final StringBuilder raw = new StringBuilder();
    private long thinkingStarted;

    public MessageItem(Role role, String text, String storedId, MessageStats stats) {
        this.role = role;
        this.text = new ReadOnlyStringWrapper("");
        this.storedId.set(storedId);
        this.stats.set(stats);
        if (role == Role.USER) this.text.set(text);
        else {
            raw.append(text);
            split();
        }
        if (stats != null && stats.thinkingMillis() != null) thinkingMillis.set(stats.thinkingMillis());
    }

    public Role role() { return role; }
    /// The message; for a reasoning model's reply, its answer without the thinking.
    public ReadOnlyStringProperty text() { return text.getReadOnlyProperty(); }
    /// A reasoning model's thinking before its answer ("" for none).
    public ReadOnlyStringProperty thinking() { return thinking.getReadOnlyProperty(); }
    /// False while the model is still thinking.
    public ReadOnlyBooleanProperty thinkingDone() { return thinkingDone.getReadOnlyProperty(); }
    /// How long the model thought, in milliseconds; -1 while it thinks or when it is not known.
    public ReadOnlyLongProperty thinkingMillis() { return thinkingMillis.getReadOnlyProperty(); }
    public BooleanProperty thinkingShown() { return thinkingShown; }
    public ReadOnlyBooleanProperty streaming() { return streaming.getReadOnlyProperty(); }
    /// The ids of the versions of this message (a regenerated answer, an edited message), oldest first, its own among
    /// them; empty while there is only one.
    public ReadOnlyObjectProperty<java.util.List<String>> versions() { return versions.getReadOnlyProperty(); }
    /// Which version this is, from 0; -1 when it has only one.
    public int versionIndex() { return storedId.get() == null ? -1 : versions.get().indexOf(storedId.get()); }
    public ReadOnlyObjectProperty<MessageStats> stats() { return stats.getReadOnlyProperty(); }
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    /// For an answer on its way: -1 while the model is still getting ready (loading its weights, finishing what it
    /// did before), then how many tokens of the conversation it is reading before it writes.
    public javafx.beans.property.ReadOnlyIntegerProperty promptTokens() { return promptTokens.getReadOnlyProperty(); }

    /// The reply as the model wrote it, thinking in its tags (for a user's message, its text).
    String raw() {
        return role == Role.USER ? text.get() : raw.toString();
    }

    void append(String more) {
        raw.append(more);
        split();
        long now = System.nanoTime();
        if (thinkingStarted == 0 && (!thinking.get().isEmpty() || !thinkingDone.get())) {
            thinkingStarted = now;
            thinkingShown.set(true);
        }
        if (thinkingStarted != 0 && thinkingDone.get() && thinkingMillis.get() < 0) {
            thinkingMillis.set((now - thinkingStarted) / 1_000_000);
            thinkingShown.set(false); // the answer has begun: the thinking folds away
        }
    }

    /// How long it thought, for the saved stats: null when it did not.
    Long thinkingMillisOrNull() {
        if (thinking.get().isEmpty() && thinkingDone.get()) return null;
        if (thinkingMillis.get() < 0 && thinkingStarted != 0) thinkingMillis.set((System.nanoTime() - thinkingStarted) / 1_000_000);
        return thinkingMillis.get() < 0 ? null : thinkingMillis.get();
    }

    private void split() {
        ThinkingText t = ThinkingText.of(raw.toString());
        thinking.set(t.thinking());
        thinkingDone.set(t.done());
        text.set(t.answer());
    }

    void setStreaming(boolean b) { streaming.set(b); }
    void setVersions(java.util.List<String> ids) { versions.set(ids.size() > 1 ? java.util.List.copyOf(ids) : java.util.List.of()); }
    void setStats(MessageStats s) { stats.set(s); }
    void setError(String e) { error.set(e); }
    void setPromptTokens(int n) { promptTokens.set(n); }
}
