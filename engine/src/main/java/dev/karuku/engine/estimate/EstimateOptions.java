package dev.karuku.engine.estimate;

import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;

import java.util.Objects;

/// How the model would be loaded, as the estimator sizes it: the [LoadSettings] a load would use (GPU layers 0…L+1
/// offloaded units, the output layer first, then blocks from the last; values above L+1 clamp) plus two switches of
/// llama.cpp that Karuku's loads always leave on.
///
/// @param load      GPU layers, context, KV type, flash attention, batch sizes, mmap (threads do not change memory)
/// @param cpuRepack allow the CPU backend's extra buffer types (`CPU_REPACK`, `AMX`) to copy the weights they take
///                  (`use_extra_bufts`)
/// @param swaFull   sliding-window layers keep a full-context cache (`swa_full`; true in
///                  `llama_context_default_params()`, which Karuku's binding uses)
public record EstimateOptions(LoadSettings load, boolean cpuRepack, boolean swaFull) {

    public EstimateOptions {
        Objects.requireNonNull(load, "load");
        if (load.kvType().isQuantized() && load.flashAttention() == FlashAttention.OFF) {
            throw new IllegalArgumentException("a quantized KV cache (" + load.kvType().name().toLowerCase() + ") needs flash attention; use --flash-attn on or auto");
        }
    }

    /// llama.cpp's defaults: CPU only, training context, f16 cache, flash attention auto, ubatch 512, batch 2048, mmap.
    public static EstimateOptions defaults() {
        return of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(0));
    }

    /// The estimate of a load with these settings.
    public static EstimateOptions of(LoadSettings load) {
        return new EstimateOptions(load, true, true);
    }

    public EstimateOptions withLoad(LoadSettings s) {
        return new EstimateOptions(s, cpuRepack, swaFull);
    }

    public EstimateOptions withGpuLayers(int n) {
        return withLoad(load.withGpuLayers(n));
    }

    public EstimateOptions withContextLength(long n) {
        return withLoad(load.withContextLength(Math.toIntExact(n)));
    }

    public EstimateOptions withKvType(KvCacheType t) {
        return withLoad(load.withKvType(t));
    }

    public EstimateOptions withFlashAttention(FlashAttention f) {
        return withLoad(load.withFlashAttention(f));
    }

    /// A physical batch of `n` (and a logical one at least as large).
    public EstimateOptions withUbatch(int n) {
        return withLoad(load.withUbatch(n).withBatch(Math.max(load.batch(), n)));
    }

    public EstimateOptions withSwaFull(boolean full) {
        return new EstimateOptions(load, cpuRepack, full);
    }

    public EstimateOptions withCpuRepack(boolean on) {
        return new EstimateOptions(load, on, swaFull);
    }
}
