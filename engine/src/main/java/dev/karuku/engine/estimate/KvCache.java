package dev.karuku.engine.estimate;

import dev.karuku.engine.settings.KvCacheType;

/// KV cache bytes, exactly as llama.cpp v0.4.0 allocates them: per layer
/// `cells · (row(type, head_k · n_head_kv) + row(type, head_v · n_head_kv))`, where cells is the padded context
/// (a multiple of 256) for full-attention layers and `min(n_ctx, pad256(n_swa + n_ubatch))` for sliding-window
/// layers unless `swa_full` (llama_context_default_params' default) gives them the full context too. Each layer's
/// cache sits on that layer's device.
final class KvCache {

    static final int PAD = 256;

    private KvCache() {}

    static long pad(long n) {
        return (n + PAD - 1) / PAD * PAD;
    }

    static long cells(ModelGeometry g, int layer, long nCtx, long ubatch, boolean swaFull) {
        if (!swaFull && g.slidingWindow() > 0 && g.swaLayers()[layer]) return swaCells(g, nCtx, ubatch);
        return nCtx;
    }

    static long swaCells(ModelGeometry g, long nCtx, long ubatch) {
        return Math.min(nCtx, pad(g.slidingWindow() + ubatch));
    }

    static long layerBytes(ModelGeometry g, int layer, long nCtx, long ubatch, KvCacheType type, boolean swaFull) {
        long hkv = g.headsKv()[layer];
        long row = type.ggml().rowSize(g.headK() * hkv) + type.ggml().rowSize(g.headV() * hkv);
        return cells(g, layer, nCtx, ubatch, swaFull) * row;
    }

    /// KV bytes split by device: layers `>= gpuStart` are on the GPU.
    static DeviceBytes bytes(ModelGeometry g, long nCtx, long ubatch, KvCacheType type, boolean swaFull, int gpuStart,
                             boolean hasGpu) {
        long cpu = 0, gpu = 0;
        for (int l = 0; l < g.layers(); l++) {
            long b = layerBytes(g, l, nCtx, ubatch, type, swaFull);
            if (hasGpu && l >= gpuStart) gpu += b;
            else cpu += b;
        }
        return new DeviceBytes(cpu, gpu);
    }
}
