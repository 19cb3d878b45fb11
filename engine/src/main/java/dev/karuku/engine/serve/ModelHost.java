package dev.karuku.engine.serve;

import java.util.List;

/// The models one can ask for completions, loading them on demand: a supervisor of worker processes, or a host in
/// this process. Thread-safe.
public interface ModelHost extends AutoCloseable {

    /// Every model a request may name (loaded or not), in a stable order.
    List<HostedModel> models();

    /// Starts a completion on the model `request.model()` names, loading it first if needed; returns at once.
    /// Everything that goes wrong (unknown model, load failure, a dying worker, a full queue) reaches
    /// `listener.onError` as a [ServeException] whose kind says which.
    Completion submit(CompletionRequest request, CompletionListener listener);

    @Override
    void close();
}
