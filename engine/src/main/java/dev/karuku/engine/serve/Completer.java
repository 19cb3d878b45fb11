package dev.karuku.engine.serve;

/// One loaded model answering completions: several at once when it batches them (sequences sharing one context),
/// queued beyond that, refused with [ServeException.Kind#BUSY] past its queue's bound. [CompletionRequest#model]
/// is not read: a completer is one model.
public interface Completer extends AutoCloseable {

    /// Starts `request`; returns at once. Invalid values (a grammar that does not parse, a prompt longer than the
    /// context) are reported through `listener.onError`, never thrown.
    Completion submit(CompletionRequest request, CompletionListener listener);

    /// Cancels what runs, ends what is queued with an error, and frees the model's memory.
    @Override
    void close();
}
