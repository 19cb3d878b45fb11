package dev.karuku.engine.llama;

import dev.karuku.engine.serve.Completer;

import java.nio.file.Path;

/// Where a [Completer] for one model comes from: the one place that decides how a model answers completions
/// (a worker process calls it; so may an in-process host).
public final class Completers {

    private Completers() {}

    /// Loads `file` (blocking) and returns a completer that answers up to `parallel` completions at once and queues
    /// up to `queueLimit` more. Today completions run one at a time ([SerialCompleter]); `parallel` is the number of
    /// sequences a batching completer will share the context between.
    ///
    /// @throws ModelLoadException with llama.cpp's reason
    public static Completer open(LlamaRuntime runtime, Path file, LoadOptions options, int parallel, int queueLimit) {
        if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        LoadedModel model;
        try {
            model = LoadedModel.open(runtime, file, options).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        return new SerialCompleter(model, queueLimit + parallel - 1);
    }
}
