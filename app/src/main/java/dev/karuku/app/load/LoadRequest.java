package dev.karuku.app.load;

import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import java.util.Objects;

/// The load options picked on the Load screen.
///
/// @param gpuLayers      layers offloaded to the GPU (0…L+1)
/// @param contextLength  tokens of context
/// @param kvCacheType    the KV cache's type; a quantized one with flash attention OFF (which llama.cpp refuses)
///                       becomes F16
/// @param flashAttention AUTO (llama.cpp decides per device), ON or OFF
/// @param threads        CPU threads (0: physical cores)
public record LoadRequest(int gpuLayers, int contextLength, KvCacheType kvCacheType, FlashAttention flashAttention, int threads) {
    public LoadRequest {
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        Objects.requireNonNull(flashAttention, "flashAttention");
        if (kvCacheType.isQuantized() && flashAttention == FlashAttention.OFF) kvCacheType = KvCacheType.F16;
    }

    /// The same options with another thread count (threads are a setting of this PC, not of a model).
    public LoadRequest withThreads(int n) {
        return new LoadRequest(gpuLayers, contextLength, kvCacheType, flashAttention, n);
    }
}
