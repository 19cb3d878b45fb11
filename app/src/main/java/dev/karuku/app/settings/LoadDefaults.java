package dev.karuku.app.settings;

import dev.karuku.engine.estimate.BestFit;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import java.util.Objects;

/// The load options a model starts from on the Load screen, before the best fit for this PC sets its GPU layers
/// and cuts the context to what fits.
///
/// @param contextLength  the most tokens of context wanted
/// @param kvCacheType    the KV cache's type (a quantized one with flash attention OFF becomes F16)
/// @param flashAttention AUTO, ON or OFF
/// @param threads        CPU threads (0: one per physical core)
public record LoadDefaults(int contextLength, KvCacheType kvCacheType, FlashAttention flashAttention, int threads) {
    public static final LoadDefaults STANDARD = new LoadDefaults(BestFit.DEFAULT_CONTEXT, KvCacheType.F16, FlashAttention.AUTO, 0);

    public LoadDefaults {
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        Objects.requireNonNull(flashAttention, "flashAttention");
        if (kvCacheType.isQuantized() && flashAttention == FlashAttention.OFF) kvCacheType = KvCacheType.F16;
    }
}
