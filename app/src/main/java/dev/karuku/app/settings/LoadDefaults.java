package dev.karuku.app.settings;

/// The load options a model starts with on the Load screen.
///
/// @param contextLength  tokens of context
/// @param kvCacheType    "f16", "q8_0" or "q4_0"
/// @param flashAttention whether to use flash attention
/// @param threads        CPU threads (0: one per physical core)
public record LoadDefaults(int contextLength, String kvCacheType, boolean flashAttention, int threads) {
    public static final LoadDefaults STANDARD = new LoadDefaults(4096, "f16", false, 0);
}
