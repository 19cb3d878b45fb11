package dev.karuku.engine.llama;

/// A flag that stops work in progress: checked between tokens, between prompt chunks, and by llama.cpp itself
/// during a long prompt evaluation (the context's abort callback). Any thread may cancel; it cannot be undone.
public final class Cancellation {

    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /// A flag nobody cancels.
    public static Cancellation none() {
        return new Cancellation();
    }
}
