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
    private final ReadOnlyObjectWrapper<Stopped> stopped = new ReadOnlyObjectWrapper<>();
    private AutoCloseable resources;
    /// Completes when the last model given up is freed (loads wait for it, so two models never share memory).
    private CompletableFuture<Void> freed = CompletableFuture.completedFuture(null);

    public ReadOnlyObjectProperty<LoadedModel> loaded() { return loaded.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ChatBackend> backend() { return backend.getReadOnlyProperty(); }
    /// The model whose process stopped unexpectedly and why (llama.cpp's last words), until a model is loaded
    /// again; null otherwise.
    public ReadOnlyObjectProperty<Stopped> stopped() { return stopped.getReadOnlyProperty(); }

    /// A model that stopped: its name and llama.cpp's reason.
    public record Stopped(String model, String reason) {}

    /// The process hosting model `hostId` stopped (a `GGML_ASSERT`, a driver fault, killed): when it is the
    /// loaded model, the session lets it go and says why. Anything else is not this session's model.
    public void hostStopped(String hostId, String reason) {
        if (!(backend.get() instanceof WorkerChatBackend w) || !w.model().equals(hostId)) return;
        String name = loaded.get() == null ? hostId : loaded.get().name();
        unload(); // nothing is left to free but the supervisor's record of it
        stopped.set(new Stopped(name, reason));
    }

    /// Makes `model` the loaded one; `resources` is closed when it is replaced or unloaded.
    public void set(LoadedModel model, ChatBackend chat, AutoCloseable resources) {
        if (model != null) stopped.set(null);
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
