package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleConsumer;

/// What the Load screen needs from the engine: load a model file with options, report progress, allow cancel.
public interface ModelLoader {
    /// Starts loading `file`; `progress` (0…1) is called from the loading thread.
    Loading load(Path file, LoadSettings request, DoubleConsumer progress);

    /// A load in progress.
    interface Loading {
        /// Completes with the loaded model, or fails with a message for people.
        CompletableFuture<Loaded> result();

        void cancel();
    }

    /// A loaded model: what the status bar shows, the chat backend, and what to close on unload.
    record Loaded(LoadedModel model, ChatBackend chat, AutoCloseable resources) {}
}
