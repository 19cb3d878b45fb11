package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/// The one loaded model, shared by the Load screen (which sets it), the Chat screen (which talks to it) and the
/// status bar (which shows it). Changed on the UI thread only.
public final class ModelSession {
    private final ReadOnlyObjectWrapper<LoadedModel> loaded = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChatBackend> backend = new ReadOnlyObjectWrapper<>();
    private AutoCloseable resources;
    /// Completes when the last model given up is freed (loads wait for it, so two models never share memory).
    private CompletableFuture<Void> freed = CompletableFuture.completedFuture(null);

    public ReadOnlyObjectProperty<LoadedModel> loaded() { return loaded.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ChatBackend> backend() { return backend.getReadOnlyProperty(); }

    /// Makes `model` the loaded one; `resources` is closed when it is replaced or unloaded.
    public void set(LoadedModel model, ChatBackend chat, AutoCloseable resources) {
        AutoCloseable old = this.resources;
        this.resources = resources;
        loaded.set(model);
        backend.set(chat);
        closeQuietly(old);
    }

    /// Unloads the model.
    public void clear() {
        set(null, null, null);
    }

    /// Gives up the loaded model and frees it in the background (its running answer is cancelled first); the
    /// future completes once its memory is freed, and after every model given up before it.
    public CompletableFuture<Void> unload() {
        AutoCloseable r = detach();
        CompletableFuture<Void> before = freed;
        CompletableFuture<Void> done = new CompletableFuture<>();
        freed = done;
        Thread.ofVirtual().name("karuku-unload").start(() -> {
            before.join();
            closeNow(r);
            done.complete(null);
        });
        return done;
    }

    /// What to close when the model goes away (the caller closes it off the UI thread).
    public AutoCloseable detach() {
        AutoCloseable r = resources;
        resources = null;
        loaded.set(null);
        backend.set(null);
        return r;
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        CompletableFuture<Void> before = freed;
        CompletableFuture<Void> done = new CompletableFuture<>();
        freed = done;
        Thread.ofVirtual().name("karuku-unload").start(() -> {
            before.join();
            closeNow(c);
            done.complete(null);
        });
    }

    private static void closeNow(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // the model is gone either way
        }
    }
}
