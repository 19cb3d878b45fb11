package dev.karuku.engine.estimate;

import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;

/// How the model would be loaded: the same knobs as `llama_model_params` / `llama_context_params`.
///
/// @param gpuLayers      0…L+1 offloaded units (the output layer first, then blocks from the last); -1 = all;
///                       values above L+1 clamp
/// @param contextLength  tokens of context; 0 = the model's training context
/// @param kvType         K and V cache type
/// @param flashAttention flash attention mode
/// @param ubatch         physical batch (`n_ubatch`): compute buffers scale with it
/// @param batch          logical batch (`n_batch`)
/// @param mmap           map the file (weights on the CPU are file-backed and shared with the page cache)
/// @param cpuRepack      allow the CPU backend's extra buffer types (`CPU_REPACK`, `AMX`) to copy the weights they take (`use_extra_bufts`)
/// @param swaFull        sliding-window layers keep a full-context cache (`swa_full`; true in
///                       `llama_context_default_params()`, which Karuku's binding uses)
public record EstimateOptions(int gpuLayers, long contextLength, KvCacheType kvType, FlashAttention flashAttention,
                              int ubatch, int batch, boolean mmap, boolean cpuRepack, boolean swaFull) {

    public EstimateOptions {
        if (gpuLayers < -1) throw new IllegalArgumentException("GPU layers must be -1 (all) or at least 0, got " + gpuLayers);
        if (contextLength < 0) throw new IllegalArgumentException("context length must not be negative, got " + contextLength);
        if (ubatch < 1 || batch < 1) throw new IllegalArgumentException("batch sizes must be positive");
        if (kvType.isQuantized() && flashAttention == FlashAttention.OFF) {
            throw new IllegalArgumentException("a quantized KV cache (" + kvType.name().toLowerCase() + ") needs flash attention; use --flash-attn on or auto");
        }
    }

    /// llama.cpp's defaults: CPU only, training context, f16 cache, flash attention auto, ubatch 512, batch 2048, mmap.
    public static EstimateOptions defaults() {
        return new EstimateOptions(0, 0, KvCacheType.F16, FlashAttention.AUTO, 512, 2048, true, true, true);
    }

    public EstimateOptions withGpuLayers(int n) {
        return new EstimateOptions(n, contextLength, kvType, flashAttention, ubatch, batch, mmap, cpuRepack, swaFull);
    }

    public EstimateOptions withContextLength(long n) {
        return new EstimateOptions(gpuLayers, n, kvType, flashAttention, ubatch, batch, mmap, cpuRepack, swaFull);
    }

    public EstimateOptions withKvType(KvCacheType t) {
        return new EstimateOptions(gpuLayers, contextLength, t, flashAttention, ubatch, batch, mmap, cpuRepack, swaFull);
    }

    public EstimateOptions withFlashAttention(FlashAttention f) {
        return new EstimateOptions(gpuLayers, contextLength, kvType, f, ubatch, batch, mmap, cpuRepack, swaFull);
    }

    public EstimateOptions withSwaFull(boolean full) {
        return new EstimateOptions(gpuLayers, contextLength, kvType, flashAttention, ubatch, batch, mmap, cpuRepack, full);
    }

    public EstimateOptions withCpuRepack(boolean on) {
        return new EstimateOptions(gpuLayers, contextLength, kvType, flashAttention, ubatch, batch, mmap, on, swaFull);
    }

    public EstimateOptions withUbatch(int n) {
        return new EstimateOptions(gpuLayers, contextLength, kvType, flashAttention, n, Math.max(batch, n), mmap, cpuRepack, swaFull);
    }
}
