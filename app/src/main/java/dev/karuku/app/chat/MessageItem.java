package dev.karuku.app.chat;

import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/// One message on the Chat screen. The text grows once per pulse while the answer streams.
public final class MessageItem {
    private final Role role;
    /// The id in the conversation log; set by the disk thread, read by later disk tasks (same thread).
    final AtomicReference<String> storedId = new AtomicReference<>();
    private final ReadOnlyStringWrapper text;
    private final ReadOnlyBooleanWrapper streaming = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<MessageStats> stats = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final javafx.beans.property.ReadOnlyIntegerWrapper promptTokens = new javafx.beans.property.ReadOnlyIntegerWrapper(-1);

    public MessageItem(Role role, String text, String storedId, MessageStats stats) {
        this.role = role;
        this.text = new ReadOnlyStringWrapper(text);
        this.storedId.set(storedId);
        this.stats.set(stats);
    }

    public Role role() { return role; }
    public ReadOnlyStringProperty text() { return text.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty streaming() { return streaming.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<MessageStats> stats() { return stats.getReadOnlyProperty(); }
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    /// For an answer on its way: -1 while the model is still getting ready (loading its weights, finishing what it
    /// did before), then how many tokens of the conversation it is reading before it writes.
    public javafx.beans.property.ReadOnlyIntegerProperty promptTokens() { return promptTokens.getReadOnlyProperty(); }

    void append(String more) { text.set(text.get() + more); }
    void setStreaming(boolean b) { streaming.set(b); }
    void setStats(MessageStats s) { stats.set(s); }
    void setError(String e) { error.set(e); }
    void setPromptTokens(int n) { promptTokens.set(n); }
}
