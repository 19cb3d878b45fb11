package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.Hardware;

/// The memory a model and its draft model need together, for speculative decoding. The engine loads the draft with
/// the model's own load settings (GPU layers, context, KV cache type, flash attention; see `llama.LoadedModel.open`),
/// so the draft is estimated with the same options. Both live in one process: the GPU driver context is paid once,
/// while each model keeps its own weights, KV cache, work buffers and host-side runtime (its own scheduler and threads).
///
/// @param model     the model's estimate
/// @param draft     the draft model's estimate with the model's options
/// @param ramBytes  main memory the pair needs
/// @param vramBytes GPU memory the pair needs
public record PairEstimate(MemoryEstimate model, MemoryEstimate draft, long ramBytes, long vramBytes) {

    public static PairEstimate of(GgufFile model, GgufFile draft, EstimateOptions options, Hardware hw) {
        MemoryEstimate m = MemoryEstimator.estimate(model, options, hw);
        MemoryEstimate d = MemoryEstimator.estimate(draft, options, hw);
        long sharedGpu = Math.min(m.overhead().gpu(), d.overhead().gpu());
        return new PairEstimate(m, d, m.ramBytes() + d.ramBytes(), m.vramBytes() + d.vramBytes() - sharedGpu);
    }

    /// Whether either estimate is only approximate.
    public boolean approximate() {
        return model.approximate() || draft.approximate();
    }
}
