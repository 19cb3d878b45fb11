package dev.karuku.engine.estimate.replay;

import static dev.karuku.engine.estimate.replay.Tensor.Op.*;
import static dev.karuku.engine.estimate.replay.Tensor.Place.GPU;
import static dev.karuku.engine.estimate.replay.Tensor.Place.HOST;

import java.util.function.ToLongFunction;

/// The GPU compute buffer of a llama-style decoder (pre-norm blocks, RoPE, GQA attention, SwiGLU feed-forward) or a
/// Gemma 3 one (scaled embeddings, q/k norms, post-norms, GeGLU, sliding-window layers with their own mask) at any
/// offload, found by replaying what llama.cpp v0.4.0 does when it reserves its `n_ubatch` graph: build the graph
/// (`llm_build_llama` order, as `GGML_SCHED_DEBUG=2` prints it), split and copy it as the scheduler does with a GPU
/// backend (every op runs on the GPU, op offload moving CPU blocks' matrix products there with their weights; only
/// the embedding lookup and CPU layers' KV writes stay on the host), and walk ggml's graph allocator over it.
///
/// @param gemma      Gemma 3 block layout instead of llama's
/// @param swaLayers  per block: a sliding-window layer (its cache has `swaCells` cells and its own mask)
/// @param layers     blocks
/// @param gpuStart   first block on the GPU (`max(L + 1 - ngl, 0)`; block L, the output layer, is on the GPU iff
///                   `gpuStart <= L`)
/// @param embd       `n_embd`
/// @param qWidth     `n_head · head_k`
/// @param kvWidth    `n_head_kv · head_k` (one K row per token)
/// @param vWidth     `n_head_kv · head_v`
/// @param heads      `n_head`
/// @param ff         feed-forward width
/// @param vocab      rows of the output matrix
/// @param kvCells    cells of the full-attention cache (padded context)
/// @param ubatch     tokens of the reserved graph (`min(n_ubatch, n_batch, n_ctx)`)
/// @param weightBytes bytes of a named weight tensor in the file (0 when absent); `output.weight` falls back to the
///                   token embedding for tied models
public record GpuComputeReplay(boolean gemma, boolean[] swaLayers, long swaCells, int layers, int gpuStart, long embd,
                               long qWidth, long kvWidth, long vWidth, long heads, long ff, long vocab, long kvCells,
                               long ubatch, boolean flashAttention, ToLongFunction<String> weightBytes) {

    /// The scheduler moves a CPU weight's matrix product to the GPU only for batches of at least this many tokens
    /// (`ggml_backend_vk_offload_op`); below it CPU blocks stay on the CPU and this replay does not apply.
    public static final long OP_OFFLOAD_MIN_BATCH = 32;

    /// ggml rounds each allocation up to the buffer's alignment (Vulkan: the device's storage-buffer offset alignment,
    /// 16 to 256 bytes); 256 covers them all, and the tensors of real models are multiples of it anyway.
    private static final long ALIGNMENT = 256;

    public long gpuBytes() {
        return gpuBytes(true);
    }

    /// @param vulkanReorder apply the Vulkan backend's graph reordering to GPU splits (on by default in v0.4.0)
    long gpuBytes(boolean vulkanReorder) {
        ScheduledGraph g = new ScheduledGraph(vulkanReorder);
        long act = 4 * ubatch;
        long e = act * embd, q = act * qWidth, kv = act * kvWidth, f = act * ff;
        Tensor tokens = Tensor.leaf("inp_tokens", 4 * ubatch, HOST, false);
        Tensor pos = Tensor.leaf("inp_pos", 4 * ubatch, HOST, false);
        Tensor mask = Tensor.leaf("kq_mask", (flashAttention ? 2 : 4) * kvCells * ubatch, HOST, false);
        Tensor maskSwa = Tensor.leaf("kq_mask_swa", (flashAttention ? 2 : 4) * swaCells * ubatch, HOST, false);
        // Rows of the cache to write; a model with sliding-window layers has a second cache with its own indices.
        long vIdxBytes = flashAttention ? 8 * ubatch : 8 * ubatch * vWidth;
        Tensor kIdx = Tensor.leaf("k_idxs", 8 * ubatch, HOST, false);
        Tensor vIdx = Tensor.leaf("v_idxs", vIdxBytes, HOST, false);
        Tensor kIdxSwa = Tensor.leaf("k_idxs_swa", 8 * ubatch, HOST, false);
        Tensor vIdxSwa = Tensor.leaf("v_idxs_swa", vIdxBytes, HOST, false);
        Tensor outIds = Tensor.leaf("out_ids", 4 * ubatch, HOST, false);
        Tensor inpL = g.op("embd", GET_ROWS, e, HOST, weight("token_embd.weight", HOST), tokens);
        if (gemma) inpL = g.op("inp_scaled", SCALE, e, GPU, inpL);
        for (int il = 0; il < layers; il++) {
            Tensor.Place dev = il >= gpuStart ? GPU : HOST;
            String b = "blk." + il + ".";
            boolean swa = swaLayers.length > il && swaLayers[il];
            long cacheBytes = 2 * (swa ? swaCells : kvCells) * kvWidth;
            Tensor norm = g.op("norm", RMS_NORM, e, GPU, inpL);
            Tensor an = g.op("attn_norm", MUL, e, GPU, norm, weight(b + "attn_norm.weight", dev));
            Tensor qc = g.op("Qcur", MUL_MAT, q, GPU, weight(b + "attn_q.weight", dev), an);
            Tensor qRope, kRope, vr;
            if (gemma) {
                Tensor qn = g.op("Qnorm", RMS_NORM, q, GPU, g.view("Qcur", RESHAPE, q, qc));
                Tensor qm = g.op("Qcur_normed", MUL, q, GPU, qn, weight(b + "attn_q_norm.weight", dev));
                qRope = g.op("Qscaled", SCALE, q, GPU, g.op("Qrope", ROPE, q, GPU, qm, pos));
                Tensor kc = g.op("Kcur", MUL_MAT, kv, GPU, weight(b + "attn_k.weight", dev), an);
                Tensor kn = g.op("Knorm", RMS_NORM, kv, GPU, g.view("Kcur", RESHAPE, kv, kc));
                Tensor km = g.op("Kcur_normed", MUL, kv, GPU, kn, weight(b + "attn_k_norm.weight", dev));
                kRope = g.op("Krope", ROPE, kv, GPU, km, pos);
                vr = g.view("Vcur", RESHAPE, kv, g.op("Vcur", MUL_MAT, kv, GPU, weight(b + "attn_v.weight", dev), an));
            } else {
                qRope = g.op("Qrope", ROPE, q, GPU, g.view("Qcur", RESHAPE, q, qc), pos);
                // llama.cpp expands Q, then V, then K (so K's RoPE can write straight into the cache).
                vr = g.view("Vcur", RESHAPE, kv, g.op("Vcur", MUL_MAT, kv, GPU, weight(b + "attn_v.weight", dev), an));
                Tensor kc = g.op("Kcur", MUL_MAT, kv, GPU, weight(b + "attn_k.weight", dev), an);
                kRope = g.op("Krope", ROPE, kv, GPU, g.view("Kcur", RESHAPE, kv, kc), pos);
            }
            Tensor cacheK = Tensor.leaf("cache_k_l" + il, cacheBytes, dev, true);
            Tensor cacheV = Tensor.leaf("cache_v_l" + il, cacheBytes, dev, true);
            g.setRows("set_k", cacheK, g.view("Kcur (view)", VIEW, kv, kRope), swa ? kIdxSwa : kIdx);
            if (flashAttention) {
                g.setRows("set_v", cacheV, g.view("Vcur (view)", VIEW, kv, vr), swa ? vIdxSwa : vIdx);
            } else {
                // The transposed V cache is written through reshapes of V and of the cache.
                Tensor rows = g.view("Vcur (reshaped)", RESHAPE, kv, g.view("Vcur (reshaped)", RESHAPE, kv, vr));
                g.setRows("set_v", g.view("cache_v (reshaped)", RESHAPE, cacheBytes, cacheV), rows, swa ? vIdxSwa : vIdx);
            }
            Tensor qp = g.view("Q (permuted)", PERMUTE, q, g.view("Q (view)", VIEW, q, qRope));
            Tensor kp = g.view("K (permuted)", PERMUTE, cacheBytes, g.view("K (view)", VIEW, cacheBytes, cacheK));
            Tensor vp = g.view("V (permuted)", PERMUTE, cacheBytes, g.view("V (view)", VIEW, cacheBytes, cacheV));
            Tensor layerMask = swa ? maskSwa : mask;
            Tensor kqvOut;
            if (flashAttention) {
                kqvOut = g.view("kqv_out", RESHAPE, q, g.op("fattn", FLASH_ATTN_EXT, q, GPU, qp, kp, vp, layerMask));
            } else {
                long kqBytes = act * (swa ? swaCells : kvCells) * heads;
                Tensor kq = g.op("kq", MUL_MAT, kqBytes, GPU, kp, qp);
                Tensor sm = g.op("kq_soft_max", SOFT_MAX, kqBytes, GPU, kq, layerMask);
                Tensor kqv = g.op("kqv", MUL_MAT, q, GPU, vp, sm);
                kqvOut = g.op("kqv_out", CONT, q, GPU, g.view("kqv (permuted)", PERMUTE, q, kqv));
            }
            Tensor attnOut = g.op("attn_out", MUL_MAT, e, GPU, weight(b + "attn_output.weight", dev), kqvOut);
            // The last layer keeps only the rows of the requested outputs (all of them when reserving).
            boolean last = il == layers - 1;
            if (last) attnOut = g.op("rows", GET_ROWS, e, GPU, attnOut, outIds);
            if (gemma) {
                Tensor pn = g.op("norm", RMS_NORM, e, GPU, attnOut);
                attnOut = g.op("attn_post_norm", MUL, e, GPU, pn, weight(b + "post_attention_norm.weight", dev));
            }
            Tensor residual = last ? g.op("rows", GET_ROWS, e, GPU, inpL, outIds) : inpL;
            Tensor ffnInp = g.op("ffn_inp", ADD, e, GPU, attnOut, residual);
            Tensor fNorm = g.op("norm", RMS_NORM, e, GPU, ffnInp);
            Tensor fn = g.op("ffn_norm", MUL, e, GPU, fNorm, weight(b + "ffn_norm.weight", dev));
            Tensor gate = g.op("ffn_gate", MUL_MAT, f, GPU, weight(b + "ffn_gate.weight", dev), fn);
            Tensor up = g.op("ffn_up", MUL_MAT, f, GPU, weight(b + "ffn_up.weight", dev), fn);
            Tensor glu = g.op("ffn_glu", GLU, f, GPU, gate, up);
            Tensor down = g.op("ffn_out", MUL_MAT, e, GPU, weight(b + "ffn_down.weight", dev), glu);
            if (gemma) {
                Tensor pn = g.op("norm", RMS_NORM, e, GPU, down);
                down = g.op("ffn_post_norm", MUL, e, GPU, pn, weight(b + "post_ffw_norm.weight", dev));
            }
            inpL = g.op("l_out", ADD, e, GPU, down, ffnInp);
        }
        Tensor.Place out = gpuStart <= layers ? GPU : HOST;
        Tensor n = g.op("norm", RMS_NORM, e, GPU, inpL);
        Tensor rn = g.op("result_norm", MUL, e, GPU, n, weight("output_norm.weight", out));
        long outW = weightBytes.applyAsLong("output.weight");
        Tensor outWeight = Tensor.weight("output", outW > 0 ? outW : weightBytes.applyAsLong("token_embd.weight"), out);
        g.op("result_output", MUL_MAT, act * vocab, GPU, outWeight, rn);
        return new GraphAllocator(ALIGNMENT).run(g.nodes());
    }

    private Tensor weight(String name, Tensor.Place place) {
        return Tensor.weight(name, weightBytes.applyAsLong(name), place);
    }
}
