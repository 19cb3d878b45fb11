package dev.karuku.engine.generation;

/// Why a generation ended.
public enum StopReason {
    /// The model produced an end-of-generation token (end of its answer).
    END_OF_GENERATION,
    /// A stop string appeared (it was not emitted).
    STOP_STRING,
    /// The requested number of tokens was reached.
    MAX_TOKENS,
    /// The caller cancelled.
    CANCELLED,
    /// The context window is full.
    CONTEXT_FULL
}
