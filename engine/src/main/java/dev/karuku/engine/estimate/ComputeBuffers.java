package dev.karuku.engine.estimate;

/// Closed-form compute-buffer sizes for llama.cpp v0.4.0, calibrated against its own `compute buffer size` log
/// lines (CPU backend, and Vulkan on lavapipe as the GPU; see docs/memory-estimates.md). The GPU buffer of llama,
/// qwen2, qwen3 and Gemma 3 graphs is replayed instead ([dev.karuku.engine.estimate.replay.GpuComputeReplay]); this
/// form covers the host buffers and the other architectures.
///
/// ggml's graph allocator sizes one buffer per backend at the peak of live tensors while it walks an
/// `n_ubatch`-token graph with a full KV cache. The peak is the largest of three phases, each a sum of f32
/// activations (`4 · n_ubatch · width`) plus the KQ mask (f16 with flash attention, f32 without), which stays
/// alive until the last layer (models with sliding-window layers have a second mask, sized by their cache):
/// - output: logits `[n_vocab, ub]` plus the normed hidden state;
/// - attention: Q, K, V, the attention output and residuals; without flash attention the full f32 KQ matrix
///   `[n_kv, ub, n_head]`;
/// - feed-forward: gate, up and their product `[n_ff, ub]`, plus residuals (MoE: per used expert).
final class ComputeBuffers {

    /// Graph inputs (token ids, positions, output ids): a few KiB, rounded up.
    private static final long INPUTS = 16 << 10;
    /// Activation rows (`4 · ub · n_embd` bytes each) added to the GPU buffer when blocks stay on the CPU, for the
    /// architectures [dev.karuku.engine.estimate.replay.GpuComputeReplay] does not cover. There ggml's allocator places
    /// the per-split weight and KV-view copies so that the logits or the attention peak land above holes of 0 to 3 such
    /// rows, depending on the order of frees; two rows kept the closed form from underestimating VRAM by more than 2% on
    /// the measured llama/gemma3 shapes (before the replay replaced it there); see docs/memory-estimates.md.
    static final int FRAGMENTATION_ROWS = 2;

    private ComputeBuffers() {}

    record Sizes(long cpu, long gpu) {}

    /// @param kvCells   cells of the largest (full-attention) layer
    /// @param swaCells  cells of the sliding-window layers' cache (0 when the model has none)
    /// @param ub        effective `n_ubatch`
    /// @param hasGpu    a GPU backend is in use (its host buffer then carries only the mask and inputs)
    /// @param cpuBlocks blocks still on the CPU (partial offload)
    /// @param largestCpuWeight largest block weight on the CPU: the scheduler copies such weights to the GPU to run
    ///                         big batches there (op offload), which grows the GPU buffer at partial offload
    /// @param cpuOutputWeight  output matrix bytes when the output layer stays on the CPU (copied the same way)
    static Sizes of(ModelGeometry g, long kvCells, long swaCells, long ub, boolean fa, boolean hasGpu, int cpuBlocks,
                    long largestCpuWeight, long cpuOutputWeight) {
        long e = g.embd(), q = g.qWidth(), kv = (long) g.maxHeadsKv() * Math.max(g.headK(), g.headV());
        long kWidth = (long) g.maxHeadsKv() * g.headK(), vWidth = (long) g.maxHeadsKv() * g.headV();
        long f = g.maxFf(), v = g.vocab(), h = g.heads();
        long act = 4 * ub;
        long mask = (fa ? 2 : 4) * (kvCells + swaCells) * ub;
        long ffn = act * ffnWidth(g, e, f);
        long attnSmall = act * (2 * e + 2 * q + 2 * kv);
        long attnCpu = fa ? mask + attnSmall : mask + act * (kvCells * h + 3 * e + 2 * q + 2 * kv);
        if (!hasGpu) {
            long out = act * (v + 2 * e);
            return new Sizes(INPUTS + max(out, attnCpu, mask + ffn), 0);
        }
        // With a GPU backend the scheduler runs even the CPU layers' big ops there (op offload: every matrix
        // multiplication of >= 32 tokens, its CPU weight copied into the GPU buffer). The host keeps the inputs, the
        // KQ mask and two rows of E (the looked-up token embeddings among them); with CPU blocks, whose K/V cache
        // writes stay on the host, one row of E beside the copies of the new tokens' K and V when those are wider.
        // Without flash attention the transposed V cache is written through one int64 row index per element
        // (`v_idxs` [n_embd_v_gqa, ub], one per cache). Measured on seven shapes (head dims 64 to 256, K/V rows
        // narrower than, equal to and wider than E).
        boolean partial = cpuBlocks > 0;
        long rows = partial ? Math.max(2 * e, e + kWidth + vWidth) : 2 * e;
        long vIdxs = fa ? 0 : 8 * ub * vWidth * (swaCells > 0 ? 2 : 1);
        long host = mask + act * rows + vIdxs + INPUTS;
        // Output phase: logits [V, ub] and the normed hidden state; when the output layer is on the CPU its matrix
        // is copied into this buffer for the logits product, and with CPU blocks the last block's largest weight
        // copy is still in place below the logits.
        long out = act * (v + e) + cpuOutputWeight + (partial ? act * e + largestCpuWeight : 0);
        long attnGpu;
        if (fa) {
            attnGpu = mask + attnSmall;
        } else {
            // KQ [n_kv, ub, H] (soft_max runs in place), the mask, Q, the attention output and K/V of the new tokens.
            attnGpu = act * kvCells * h + mask + act * (e + q + 2 * kv);
            // Architectures with q/k norms (gemma) hold the normed and the scaled Q too.
            if (g.qkNorm()) attnGpu += act * 2 * q;
            if (partial && !g.qkNorm()) {
                // (Measured: gemma's peak does not grow this way at partial offload; at 8k it even shrinks.)
                // A CPU layer's attention also holds the residual and a weight copy on the GPU, and the copies of
                // its K and V cache views [n_kv, kv] (f16) unless they fit in the hole the feed-forward tensors left.
                long views = 2 * 2 * kvCells * kv;
                attnGpu += act * e + largestCpuWeight + (views > act * f ? views : 0);
            }
        }
        long gpu = max(out, attnGpu, ffn + (partial ? 2 * largestCpuWeight : 0)) + INPUTS
                + (partial ? FRAGMENTATION_ROWS * act * e : 0);
        return new Sizes(host, gpu);
    }

    /// Live feed-forward widths at the FFN peak, in units of one f32 row of `ub` tokens.
    private static long ffnWidth(ModelGeometry g, long e, long f) {
        if (g.isMoe()) {
            long k = Math.max(1, g.expertsUsed());
            return Math.max(4 * f * k, (2 * k + 2) * e);
        }
        return 3 * f + e + Math.min(f, 3 * e);
    }

    private static long max(long a, long b, long c) {
        return Math.max(a, Math.max(b, c));
    }
}
