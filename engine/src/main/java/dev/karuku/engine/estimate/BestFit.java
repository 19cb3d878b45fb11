package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import java.util.ArrayList;
import java.util.List;

/// The plan that fits best on this PC, where a model is about to be loaded and the person has not chosen: the
/// most GPU layers whose VRAM fits with [Fit#safetyMargin], and the model's context — at most the one asked
/// for — cut to what fits in RAM and VRAM at that offload. The KV cache type and flash attention come from the
/// base options (f16 and AUTO by default: AUTO lets llama.cpp turn flash attention on where the device runs it).
///
/// @param options  the base options with the GPU layers and context length chosen
/// @param verdict  where it runs with them
/// @param estimate RAM and VRAM they need
public record BestFit(EstimateOptions options, Verdict verdict, MemoryEstimate estimate) {

    /// The context asked for when nobody said: enough for a chat, a small fraction of what many models were
    /// trained for (a 128k context would need gigabytes of KV cache).
    public static final int DEFAULT_CONTEXT = 4096;

    /// The KV cache types offered to a person, smallest last.
    public static final List<KvCacheType> OFFERED_KV = List.of(KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0);

    /// @param base `contextLength` is the most context wanted (0: the model's own); `gpuLayers` is ignored
    public static BestFit of(GgufFile file, EstimateOptions base, Hardware hw) {
        ModelGeometry g = ModelGeometry.of(file);
        long train = g.contextTrain();
        long wanted = base.load().contextLength() == 0 ? train : train > 0 ? Math.min(base.load().contextLength(), train) : base.load().contextLength();
        EstimateOptions o = base.withContextLength(wanted);
        Fit fit = Fit.of(file, o, hw);
        o = o.withGpuLayers(fit.maxGpuLayers());
        if (fit.maxContext() >= KvCache.PAD && fit.maxContext() < KvCache.pad(Math.max(1, wanted))) {
            o = o.withContextLength(fit.maxContext());
        }
        MemoryEstimate e = MemoryEstimator.estimate(file, o, hw);
        Verdict v;
        if (!Fit.fitsRam(e, hw)) v = Verdict.DOES_NOT_FIT;
        else if (fit.maxGpuLayers() == g.layers() + 1) v = Verdict.FITS_ON_GPU;
        else if (fit.maxGpuLayers() > 0) v = Verdict.PARTLY_ON_GPU;
        else v = Verdict.CPU_ONLY;
        return new BestFit(o, v, e);
    }

    /// The KV cache types of [#OFFERED_KV] that llama.cpp v0.4.0 accepts for `file` with `flashAttention`: a
    /// quantized V cache needs flash attention (AUTO turns it on for one, OFF makes the context fail), and a
    /// quantized type's block must divide the head dimensions.
    public static List<KvCacheType> kvTypes(GgufFile file, FlashAttention flashAttention) {
        ModelGeometry g = ModelGeometry.of(file);
        List<KvCacheType> out = new ArrayList<>();
        for (KvCacheType t : OFFERED_KV) {
            if (!t.isQuantized()) out.add(t);
            else if (flashAttention != FlashAttention.OFF && divides(t, g.headK()) && divides(t, g.headV())) out.add(t);
        }
        return out;
    }

    private static boolean divides(KvCacheType t, long head) {
        return head > 0 && head % t.ggml().blockSize() == 0;
    }
}
