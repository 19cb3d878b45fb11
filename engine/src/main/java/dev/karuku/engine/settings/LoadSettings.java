package dev.karuku.engine.settings;

import java.util.Objects;

/// How a model is loaded and its context sized: the one value the estimate, the load, the command line, the server and
/// the app share. Start from [#DEFAULTS] and change what you need with the withers:
///
/// ```java
/// LoadSettings s = LoadSettings.DEFAULTS.withGpuLayers(20).withContextLength(8192).withKvType(KvCacheType.Q8_0);
/// ```
///
/// A quantized KV cache with flash attention OFF is a valid value here (llama.cpp refuses it at load, the estimator
/// refuses to size it); [#withKvTypeLlamaAccepts()] turns it into what llama.cpp takes.
///
/// @param gpuLayers      layers to offload to the GPU: 0 = none, [#ALL_LAYERS] (-1) = all (values above the model's
///                       L+1 offloadable units mean all too); ignored without a GPU
/// @param contextLength  tokens the context holds (prompt + reply + history); 0 = the model's training context
/// @param kvType         the KV cache's element type: F16 by default; Q8_0 / Q4_0 shrink the cache (and need flash
///                       attention)
/// @param flashAttention AUTO lets llama.cpp decide per device
/// @param threads        the most threads for generating tokens; [#AUTO_THREADS] (0) = one per physical core (more only
///                       makes ggml spin)
/// @param batchThreads   threads for evaluating prompts; [#AUTO_THREADS] (0) = one per physical core
/// @param batch          logical batch (`n_batch`): the most prompt tokens handed to one decode call
/// @param ubatch         physical batch (`n_ubatch`): sizes the compute buffer
/// @param mmap           map the file instead of reading it (fast load, shared page cache); off reads it in
public record LoadSettings(int gpuLayers, int contextLength, KvCacheType kvType, FlashAttention flashAttention,
                           int threads, int batchThreads, int batch, int ubatch, boolean mmap) {

    /// `gpuLayers` value meaning "every layer" (llama.cpp's own default).
    public static final int ALL_LAYERS = -1;

    /// `threads` / `batchThreads` value meaning "one per physical core", decided where the model is loaded.
    public static final int AUTO_THREADS = 0;

    /// All layers on the GPU when there is one, a 4096-token context, F16 cache, flash attention AUTO, one thread per
    /// physical core, llama.cpp's batch sizes (2048/512), mmap on.
    public static final LoadSettings DEFAULTS = new LoadSettings(ALL_LAYERS, 4096, KvCacheType.F16, FlashAttention.AUTO,
            AUTO_THREADS, AUTO_THREADS, 2048, 512, true);

    public LoadSettings {
        if (gpuLayers < -1) throw new IllegalArgumentException("GPU layers must be -1 (all) or at least 0, got " + gpuLayers);
        if (contextLength < 0) throw new IllegalArgumentException("context length must not be negative, got " + contextLength);
        if (threads < 0 || batchThreads < 0) throw new IllegalArgumentException("threads must not be negative (0: one per physical core)");
        if (batch < 1 || ubatch < 1) throw new IllegalArgumentException("batch sizes must be positive");
        Objects.requireNonNull(kvType, "kvType");
        Objects.requireNonNull(flashAttention, "flashAttention");
    }

    /// [#DEFAULTS] with what a person picks (on the Load screen, in Settings, in a request): batch sizes and mmap stay
    /// llama.cpp's, and a quantized KV cache with flash attention OFF becomes F16 ([#withKvTypeLlamaAccepts()]).
    ///
    /// @param threads one count for generation and prompts; [#AUTO_THREADS] (0) = one per physical core
    public static LoadSettings of(int gpuLayers, int contextLength, KvCacheType kvType, FlashAttention flashAttention,
                                  int threads) {
        return new LoadSettings(gpuLayers, contextLength, kvType, flashAttention, threads, threads, DEFAULTS.batch,
                DEFAULTS.ubatch, DEFAULTS.mmap).withKvTypeLlamaAccepts();
    }

    public LoadSettings withGpuLayers(int n) {
        return new LoadSettings(n, contextLength, kvType, flashAttention, threads, batchThreads, batch, ubatch, mmap);
    }

    public LoadSettings withContextLength(int n) {
        return new LoadSettings(gpuLayers, n, kvType, flashAttention, threads, batchThreads, batch, ubatch, mmap);
    }

    public LoadSettings withKvType(KvCacheType t) {
        return new LoadSettings(gpuLayers, contextLength, t, flashAttention, threads, batchThreads, batch, ubatch, mmap);
    }

    public LoadSettings withFlashAttention(FlashAttention f) {
        return new LoadSettings(gpuLayers, contextLength, kvType, f, threads, batchThreads, batch, ubatch, mmap);
    }

    /// Sets both generation and prompt threads.
    public LoadSettings withThreads(int n) {
        return new LoadSettings(gpuLayers, contextLength, kvType, flashAttention, n, n, batch, ubatch, mmap);
    }

    public LoadSettings withBatchThreads(int n) {
        return new LoadSettings(gpuLayers, contextLength, kvType, flashAttention, threads, n, batch, ubatch, mmap);
    }

    public LoadSettings withBatch(int n) {
        return new LoadSettings(gpuLayers, contextLength, kvType, flashAttention, threads, batchThreads, n, ubatch, mmap);
    }

    public LoadSettings withUbatch(int n) {
        return new LoadSettings(gpuLayers, contextLength, kvType, flashAttention, threads, batchThreads, batch, n, mmap);
    }

    public LoadSettings withMmap(boolean on) {
        return new LoadSettings(gpuLayers, contextLength, kvType, flashAttention, threads, batchThreads, batch, ubatch, on);
    }

    /// These settings with a KV cache llama.cpp accepts: a quantized one with flash attention OFF becomes F16 (the V
    /// half of a quantized cache needs flash attention).
    public LoadSettings withKvTypeLlamaAccepts() {
        return kvType.isQuantized() && flashAttention == FlashAttention.OFF ? withKvType(KvCacheType.F16) : this;
    }
}
