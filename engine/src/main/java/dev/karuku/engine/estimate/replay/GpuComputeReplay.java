package dev.karuku.engine.estimate.replay;

import static dev.karuku.engine.estimate.replay.Tensor.Place.GPU;
import static dev.karuku.engine.estimate.replay.Tensor.Place.HOST;
import static dev.karuku.engine.estimate.replay.Tensor.Op.*;

import java.util.function.ToLongFunction;

/// The GPU compute buffer of a llama-style decoder (pre-norm blocks, RoPE, GQA attention, SwiGLU feed-forward) at any
/// offload, found by replaying what llama.cpp v0.4.0 does when it reserves its `n_ubatch` graph: build the graph
/// (`llm_build_llama` order, as `GGML_SCHED_DEBUG=2` prints it), split and copy it as the scheduler does with a GPU
/// backend (every op runs on the GPU, op offload moving CPU blocks' matrix products there with their weights; only
/// the embedding lookup and CPU layers' KV writes stay on the host), and walk ggml's graph allocator over it.
///
/// @param layers     blocks
/// @param gpuStart   first block on the GPU (`max(L + 1 - ngl, 0)`; block L, the output layer, is on the GPU iff
///                   `gpuStart <= L`)
/// @param weightBytes bytes of a named weight tensor in the file (0 when absent); `output.weight` falls back to the
///                   token embedding for tied models
public record GpuComputeReplay(int layers, int gpuStart, long embd, long qWidth, long kvWidth, long vWidth, long heads,
                               long ff, long vocab, long kvCells, long ubatch, boolean flashAttention,
                               ToLongFunction<String> weightBytes) {

    /// Vulkan's storage-buffer offset alignment is 16 to 256 bytes; every tensor here is a multiple of 256.
    private static final long ALIGNMENT = 256;

    public long gpuBytes() {
        return gpuBytes(true);
    }

    /// @param vulkanReorder apply the Vulkan backend's graph reordering to GPU splits (on by default in v0.4.0)
    long gpuBytes(boolean vulkanReorder) {
        ScheduledGraph g = new ScheduledGraph(vulkanReorder);
        long act = 4 * ubatch;
        long e = act * embd, q = act * qWidth, kv = act * kvWidth, f = act * ff;
        long cacheBytes = 2 * kvCells * kvWidth;
        Tensor tokens = Tensor.leaf("inp_tokens", 4 * ubatch, HOST, false);
        Tensor pos = Tensor.leaf("inp_pos", 4 * ubatch, HOST, false);
        Tensor mask = Tensor.leaf("kq_mask", (flashAttention ? 2 : 4) * kvCells * ubatch, HOST, false);
        Tensor kIdx = Tensor.leaf("k_idxs", 8 * ubatch, HOST, false);
        Tensor vIdx = Tensor.leaf("v_idxs", flashAttention ? 8 * ubatch : 8 * ubatch * vWidth, HOST, false);
        Tensor outIds = Tensor.leaf("out_ids", 4 * ubatch, HOST, false);
        Tensor inpL = g.op("embd", GET_ROWS, e, HOST, weight("token_embd.weight", HOST), tokens);
        for (int il = 0; il < layers; il++) {
            Tensor.Place dev = il >= gpuStart ? GPU : HOST;
            String b = "blk." + il + ".";
            Tensor norm = g.op("norm", RMS_NORM, e, GPU, inpL);
            Tensor an = g.op("attn_norm", MUL, e, GPU, norm, weight(b + "attn_norm.weight", dev));
            Tensor qc = g.op("Qcur", MUL_MAT, q, GPU, weight(b + "attn_q.weight", dev), an);
            Tensor qRope = g.op("Qrope", ROPE, q, GPU, g.view("Qcur", RESHAPE, q, qc), pos);
            // llama.cpp expands Q, then V, then K (so K's RoPE can write straight into the cache).
            Tensor vc = g.op("Vcur", MUL_MAT, kv, GPU, weight(b + "attn_v.weight", dev), an);
            Tensor vr = g.view("Vcur", RESHAPE, kv, vc);
            Tensor kc = g.op("Kcur", MUL_MAT, kv, GPU, weight(b + "attn_k.weight", dev), an);
            Tensor kRope = g.op("Krope", ROPE, kv, GPU, g.view("Kcur", RESHAPE, kv, kc), pos);
            Tensor cacheK = Tensor.leaf("cache_k_l" + il, cacheBytes, dev, true);
            Tensor cacheV = Tensor.leaf("cache_v_l" + il, cacheBytes, dev, true);
            g.setRows("set_k", cacheK, g.view("Kcur (view)", VIEW, kv, kRope), kIdx);
            if (flashAttention) {
                g.setRows("set_v", cacheV, g.view("Vcur (view)", VIEW, kv, vr), vIdx);
            } else {
                // The transposed V cache is written through reshapes of V and of the cache.
                Tensor rows = g.view("Vcur (reshaped)", RESHAPE, kv, g.view("Vcur (reshaped)", RESHAPE, kv, vr));
                g.setRows("set_v", g.view("cache_v (reshaped)", RESHAPE, cacheBytes, cacheV), rows, vIdx);
            }
            Tensor qp = g.view("Q (permuted)", PERMUTE, q, g.view("Q (view)", VIEW, q, qRope));
            Tensor kp = g.view("K (permuted)", PERMUTE, cacheBytes, g.view("K (view)", VIEW, cacheBytes, cacheK));
            Tensor vp = g.view("V (permuted)", PERMUTE, cacheBytes, g.view("V (view)", VIEW, cacheBytes, cacheV));
            Tensor kqvOut;
            if (flashAttention) {
                kqvOut = g.view("kqv_out", RESHAPE, q, g.op("fattn", FLASH_ATTN_EXT, q, GPU, qp, kp, vp, mask));
            } else {
                long kqBytes = act * kvCells * heads;
                Tensor kq = g.op("kq", MUL_MAT, kqBytes, GPU, kp, qp);
                Tensor sm = g.op("kq_soft_max", SOFT_MAX, kqBytes, GPU, kq, mask);
                Tensor kqv = g.op("kqv", MUL_MAT, q, GPU, vp, sm);
                kqvOut = g.op("kqv_out", CONT, q, GPU, g.view("kqv (permuted)", PERMUTE, q, kqv));
            }
            Tensor attnOut = g.op("attn_out", MUL_MAT, e, GPU, weight(b + "attn_output.weight", dev), kqvOut);
            Tensor residual = inpL;
            if (il == layers - 1) {
                // The last layer keeps only the rows of the requested outputs (all of them when reserving).
                attnOut = g.op("rows", GET_ROWS, e, GPU, attnOut, outIds);
                residual = g.op("rows", GET_ROWS, e, GPU, residual, outIds);
            }
            Tensor ffnInp = g.op("ffn_inp", ADD, e, GPU, attnOut, residual);
            Tensor fNorm = g.op("norm", RMS_NORM, e, GPU, ffnInp);
            Tensor fn = g.op("ffn_norm", MUL, e, GPU, fNorm, weight(b + "ffn_norm.weight", dev));
            Tensor gate = g.op("ffn_gate", MUL_MAT, f, GPU, weight(b + "ffn_gate.weight", dev), fn);
            Tensor up = g.op("ffn_up", MUL_MAT, f, GPU, weight(b + "ffn_up.weight", dev), fn);
            Tensor sw = g.op("ffn_swiglu", GLU, f, GPU, gate, up);
            Tensor down = g.op("ffn_out", MUL_MAT, e, GPU, weight(b + "ffn_down.weight", dev), sw);
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
