package dev.karuku.engine.serve;

/// Told what one completion produces, in order, on a thread of the host's (never the caller's). Exactly one of
/// [#onComplete] and [#onError] ends every completion, also a cancelled one (reason `CANCELLED`).
public interface CompletionListener {

    /// The model starts reading the prompt: `tokens` of it are new (not reused from the KV cache). Before any text;
    /// not every host says it.
    default void onPrompt(int tokens) {}

    /// The next piece of text: whole UTF-8 characters, stop strings already held back and cut.
    void onText(String piece);

    void onComplete(CompletionResult result);

    void onError(ServeException error);
}
