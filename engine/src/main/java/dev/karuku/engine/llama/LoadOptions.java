package dev.karuku.engine.llama;

import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;

import java.util.Objects;

/// How to load a model and size its context. Start from [#defaults()] and change what you need with the withers:
///
/// ```java
/// LoadOptions o = LoadOptions.defaults().withGpuLayers(20).withContextLength(8192).withKvCacheType(KvCacheType.Q8_0);
/// ```
///
/// @param gpuLayers       layers to offload to the GPU: 0 = none, [#ALL_LAYERS] (-1) = all; ignored without a GPU
/// @param contextLength   tokens the context holds (prompt + reply + history); 0 = the model's training context
/// @param threads         the most threads for generating tokens; default: physical cores (more only makes ggml
///                        spin); a context uses fewer while that is faster ([Context#adaptThreads])
/// @param batchThreads    threads for evaluating prompts; default: physical cores
/// @param batchSize       logical batch (`n_batch`): the most prompt tokens handed to one decode call
/// @param ubatchSize      physical batch (`n_ubatch`): sizes the compute buffer
/// @param flashAttention  AUTO lets llama.cpp decide
/// @param kvCacheType     F16 by default; Q8_0 / Q4_0 shrink the cache (and need flash attention)
/// @param mmap            map the file instead of reading it (fast load, shared page cache); off reads it in
/// @param progress        told the load progress; may cancel
public record LoadOptions(int gpuLayers, int contextLength, int threads, int batchThreads, int batchSize,
                          int ubatchSize, FlashAttention flashAttention, KvCacheType kvCacheType, boolean mmap,
                          LoadProgressListener progress) {

    /// `gpuLayers` value meaning "every layer" (llama.cpp's own default).
    public static final int ALL_LAYERS = -1;

    public LoadOptions {
        if (gpuLayers < -1) throw new IllegalArgumentException("gpuLayers must be -1 (all), 0 or more: " + gpuLayers);
        if (contextLength < 0) throw new IllegalArgumentException("contextLength must be 0 (model's) or more: " + contextLength);
        if (threads < 1 || batchThreads < 1) throw new IllegalArgumentException("threads must be at least 1");
        if (batchSize < 1 || ubatchSize < 1) throw new IllegalArgumentException("batch sizes must be at least 1");
        Objects.requireNonNull(flashAttention, "flashAttention");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        progress = progress == null ? LoadProgressListener.NONE : progress;
    }

    /// All layers on the GPU when there is one, a 4096-token context, physical-core threads, llama.cpp's batch
    /// sizes (2048/512), flash attention AUTO, F16 cache, mmap on.
    public static LoadOptions defaults() {
        int cores = CpuInfo.physicalCores();
        return new LoadOptions(ALL_LAYERS, 4096, cores, cores, 2048, 512, FlashAttention.AUTO, KvCacheType.F16, true,
                LoadProgressListener.NONE);
    }

    public LoadOptions withGpuLayers(int n) {
        return new LoadOptions(n, contextLength, threads, batchThreads, batchSize, ubatchSize, flashAttention, kvCacheType, mmap, progress);
    }

    public LoadOptions withContextLength(int n) {
        return new LoadOptions(gpuLayers, n, threads, batchThreads, batchSize, ubatchSize, flashAttention, kvCacheType, mmap, progress);
    }

    /// Sets both generation and prompt threads.
    public LoadOptions withThreads(int n) {
        return new LoadOptions(gpuLayers, contextLength, n, n, batchSize, ubatchSize, flashAttention, kvCacheType, mmap, progress);
    }

    public LoadOptions withBatchThreads(int n) {
        return new LoadOptions(gpuLayers, contextLength, threads, n, batchSize, ubatchSize, flashAttention, kvCacheType, mmap, progress);
    }

    public LoadOptions withBatchSize(int n) {
        return new LoadOptions(gpuLayers, contextLength, threads, batchThreads, n, ubatchSize, flashAttention, kvCacheType, mmap, progress);
    }

    public LoadOptions withUbatchSize(int n) {
        return new LoadOptions(gpuLayers, contextLength, threads, batchThreads, batchSize, n, flashAttention, kvCacheType, mmap, progress);
    }

    public LoadOptions withFlashAttention(FlashAttention f) {
        return new LoadOptions(gpuLayers, contextLength, threads, batchThreads, batchSize, ubatchSize, f, kvCacheType, mmap, progress);
    }

    public LoadOptions withKvCacheType(KvCacheType t) {
        return new LoadOptions(gpuLayers, contextLength, threads, batchThreads, batchSize, ubatchSize, flashAttention, t, mmap, progress);
    }

    public LoadOptions withMmap(boolean on) {
        return new LoadOptions(gpuLayers, contextLength, threads, batchThreads, batchSize, ubatchSize, flashAttention, kvCacheType, on, progress);
    }

    public LoadOptions withProgress(LoadProgressListener p) {
        return new LoadOptions(gpuLayers, contextLength, threads, batchThreads, batchSize, ubatchSize, flashAttention, kvCacheType, mmap, p);
    }
}
