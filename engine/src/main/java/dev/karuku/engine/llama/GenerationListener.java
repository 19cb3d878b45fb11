package dev.karuku.engine.llama;

/// Receives generated text as it is produced, on the inference thread. Pieces are whole characters (never half a
/// UTF-8 sequence) and never contain any part of a stop string. Keep it quick: hand the text to your own thread
/// (the app coalesces pieces per frame).
@FunctionalInterface
public interface GenerationListener {

    void onText(String piece);

    /// Called once, before the prompt is read, with how many of its tokens the model has to read (those not
    /// reused from the cache): a long prompt, or a model whose weights are not in memory yet, can take seconds
    /// before the first piece.
    default void onPrompt(int tokens) {}

    GenerationListener NONE = piece -> {};
}
