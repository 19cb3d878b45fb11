package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/// What the Load screen needs from the engine: load a model file with options, report progress, allow cancel.
public interface ModelLoader {
    /// Starts loading `file`; `progress` is told from a loading thread.
    default Loading load(Path file, LoadSettings request, Progress progress) {
        return load(file, request, SpeculativeSettings.OFF, progress);
    }

    /// Starts loading `file` with speculative decoding (a draft model loaded beside it, prompt lookup).
    Loading load(Path file, LoadSettings request, SpeculativeSettings speculative, Progress progress);

    /// How a load comes along.
    interface Progress {
        /// The process that will hold the model is starting (before llama.cpp reads anything).
        default void startingWorker() {}

        /// llama.cpp has read `fraction` (0…1) of the model.
        void loading(double fraction);
    }

    /// A load in progress.
    interface Loading {
        /// Completes with the loaded model, or fails with a message for people.
        CompletableFuture<Loaded> result();

        void cancel();
    }

    /// A loaded model: what the status bar shows, the chat backend, and what to close on unload.
    record Loaded(LoadedModel model, ChatBackend chat, AutoCloseable resources) {}
}
