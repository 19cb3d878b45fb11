package dev.karuku.app.ui;

/// A repeating tick on the UI thread, once per rendered frame in the app. Streaming output is drained on it,
/// so a fast model costs one UI update per frame instead of one per token.
public interface Pulse {
    /// Calls `onTick` on the UI thread on every pulse until the returned handle is closed.
    Ticking start(Runnable onTick);

    /// A running pulse; closing it stops the ticks.
    interface Ticking extends AutoCloseable {
        @Override
        void close();
    }
}
