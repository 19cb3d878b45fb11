package dev.karuku.engine.batch;

import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.serve.Completer;

import java.nio.file.Path;

/// Where a [Completer] for one model comes from: the one place that decides how a model answers completions
/// (a worker process calls it; so may an in-process host).
public final class Completers {

    private Completers() {}

    /// Loads `file` (blocking) and returns a completer that answers up to `parallel` completions at once — sequences
    /// of one context decoded together, step by step ([BatchedCompleter]) — and queues up to `queueLimit` more.
    ///
    /// @throws dev.karuku.engine.llama.ModelLoadException with llama.cpp's reason
    public static BatchedCompleter open(LlamaRuntime runtime, Path file, LoadOptions options, int parallel, int queueLimit) {
        if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        return BatchedCompleter.load(runtime, file, options, parallel, queueLimit);
    }
}
