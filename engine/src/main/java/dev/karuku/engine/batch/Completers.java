package dev.karuku.engine.batch;

import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.serve.Completer;
import dev.karuku.engine.settings.SpeculativeSettings;

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

    /// Like [#open(LlamaRuntime, Path, LoadOptions, int, int)]; with `speculative` enabled (a draft model or prompt
    /// lookup) the model answers one completion at a time, speculatively ([SpeculativeCompleter]), and `parallel`
    /// only widens its queue: it takes as many requests as the batched completer would (`parallel + queueLimit`)
    /// before it says BUSY. The engine's speculative generator checks the proposals of one sequence per pass, so
    /// speculation and batching do not combine.
    ///
    /// @throws dev.karuku.engine.llama.ModelLoadException with llama.cpp's reason, or why the draft cannot draft
    public static LoadedCompleter open(LlamaRuntime runtime, Path file, LoadOptions options, int parallel, int queueLimit,
                                       SpeculativeSettings speculative) {
        if (!speculative.enabled()) return open(runtime, file, options, parallel, queueLimit);
        if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        return SpeculativeCompleter.load(runtime, file, options, speculative, queueLimit + parallel - 1);
    }
}
