package dev.karuku.app.load;

/// The load options picked on the Load screen.
///
/// @param gpuLayers      layers offloaded to the GPU (0…L+1)
/// @param contextLength  tokens of context
/// @param kvCacheType    "f16", "q8_0" or "q4_0"
/// @param flashAttention flash attention on
/// @param threads        CPU threads (0: physical cores)
public record LoadRequest(int gpuLayers, int contextLength, String kvCacheType, boolean flashAttention, int threads) {}
