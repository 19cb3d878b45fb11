package dev.karuku.engine.llama;

import dev.karuku.engine.generation.StopReason;
import java.util.concurrent.CompletableFuture;

/// A generation running (or queued) on an [InferenceWorker]: cancel it from any thread, or wait for its result.
/// After [#cancel], the result completes promptly with [StopReason#CANCELLED] and the text so far.
public final class Generation {

    private final Cancellation cancellation;
    private final CompletableFuture<GenerationResult> result;

    public Generation(Cancellation cancellation, CompletableFuture<GenerationResult> result) {
        this.cancellation = cancellation;
        this.result = result;
    }

    public void cancel() {
        cancellation.cancel();
    }

    public boolean isCancelled() {
        return cancellation.isCancelled();
    }

    /// Completes when generation ends: with the result, or exceptionally ([ContextOverflowException],
    /// [LlamaException]).
    public CompletableFuture<GenerationResult> result() {
        return result;
    }
}
