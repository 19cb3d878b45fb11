package dev.karuku.cli.bench;

import java.nio.file.Path;
import java.util.Objects;

/// What `karuku bench` measures: a `promptTokens` prompt then `tokens` generated tokens, `runs` times after
/// `warmup` unmeasured runs, with `threads` threads and `gpuLayers` layers offloaded.
///
/// @param contextLength the context created for the runs: the prompt, the reply and a little room
/// @param batchSize     prompt tokens per decode call (`n_batch` = `n_ubatch`); the peers get the same
/// @param adaptThreads  let generation use fewer than `threads` when that is faster (the chat's default); false
///                      keeps `threads` for every token, as the peers do
public record BenchOptions(Path model, int promptTokens, int tokens, int threads, int gpuLayers, int runs, int warmup,
                           int batchSize, int contextLength, boolean adaptThreads) {

    public BenchOptions {
        Objects.requireNonNull(model, "model");
        if (promptTokens < 1) throw new IllegalArgumentException("--prompt-tokens must be at least 1: " + promptTokens);
        if (tokens < 2) throw new IllegalArgumentException("--tokens must be at least 2: " + tokens);
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1: " + threads);
        if (gpuLayers < -1) throw new IllegalArgumentException("--gpu-layers must be -1 (all), 0 or more: " + gpuLayers);
        if (runs < 1) throw new IllegalArgumentException("--runs must be at least 1: " + runs);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be 0 or more: " + warmup);
        if (batchSize < 1) throw new IllegalArgumentException("--batch must be at least 1: " + batchSize);
        if (contextLength < promptTokens + tokens) {
            throw new IllegalArgumentException("context " + contextLength + " cannot hold " + promptTokens + " + " + tokens + " tokens");
        }
    }

    /// The context every engine gets for these sizes: prompt + reply + 64, rounded up to a multiple of 256.
    public static int contextFor(int promptTokens, int tokens) {
        return (promptTokens + tokens + 64 + 255) / 256 * 256;
    }
}
