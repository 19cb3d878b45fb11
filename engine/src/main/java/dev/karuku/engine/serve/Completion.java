package dev.karuku.engine.serve;

/// A completion under way.
public interface Completion {

    /// Stops it at the next step and frees its sequence; its listener then gets `onComplete` with `CANCELLED`
    /// (or `onError` if it had already failed). Safe to call more than once, from any thread.
    void cancel();
}
