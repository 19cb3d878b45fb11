package dev.karuku.engine.estimate.replay;

import static dev.karuku.engine.estimate.replay.Tensor.Op.*;
import static dev.karuku.engine.estimate.replay.Tensor.Place.GPU;
import static dev.karuku.engine.estimate.replay.Tensor.Place.HOST;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/// The GPU compute buffer of a llama-style decoder (pre-norm blocks, RoPE, GQA attention, SwiGLU feed-forward), of
/// its qwen2 and qwen3 variants, or of a Gemma 3 one at any offload, found by replaying what llama.cpp v0.4.0 does
/// when it reserves its `n_ubatch` graph: build the graph (the builder's node order, as `GGML_SCHED_DEBUG=2` prints
/// it), split and copy it as the scheduler does with a GPU backend (every op runs on the GPU, op offload moving CPU
/// blocks' matrix products there with their weights; only the embedding lookup and CPU layers' KV writes stay on the
/// host), and walk ggml's graph allocator over it.
///
/// @param layout     which builder's block the graph repeats
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
/// @param experts    experts per MoE layer ([Layout#QWEN3MOE]; 0 for dense layouts)
/// @param expertsUsed experts each token is routed to
public record GpuComputeReplay(Layout layout, boolean[] swaLayers, long swaCells, int layers, int gpuStart, long embd,
                               long qWidth, long kvWidth, long vWidth, long heads, long ff, long vocab, long kvCells,
                               long ubatch, boolean flashAttention, ToLongFunction<String> weightBytes, int experts,
                               int expertsUsed) {

    /// A dense layout (no experts).
    public GpuComputeReplay(Layout layout, boolean[] swaLayers, long swaCells, int layers, int gpuStart, long embd,
                            long qWidth, long kvWidth, long vWidth, long heads, long ff, long vocab, long kvCells,
                            long ubatch, boolean flashAttention, ToLongFunction<String> weightBytes) {
        this(layout, swaLayers, swaCells, layers, gpuStart, embd, qWidth, kvWidth, vWidth, heads, ff, vocab, kvCells,
                ubatch, flashAttention, weightBytes, 0, 0);
    }

    /// The attention block of a graph builder, as far as the allocator can tell them apart (node order and sizes).
    public enum Layout {
        /// `llm_build_llama` (llama) and `llm_build_qwen2` (qwen2): Q, then V, then K, each projection followed by an
        /// `ADD` of its bias when the file has one (`attn_q.bias` …: qwen2), RoPE on Q and K.
        LLAMA,
        /// `llm_build_qwen3`: llama's order, no biases; Q and K are RMS-normed per head and multiplied by
        /// `attn_q_norm` / `attn_k_norm` before RoPE.
        QWEN3,
        /// `llm_build_gemma3`: scaled embeddings; Q, K, V in that order, with q/k norms and Q scaled after RoPE;
        /// post-attention and post-feed-forward norms; GeGLU; sliding-window layers with their own mask.
        GEMMA3,
        /// `llm_build_qwen3moe`: qwen3's attention; the feed-forward is `build_moe_ffn` (router logits, soft_max,
        /// top-k, normalised weights, one `MUL_MAT_ID` per expert tensor, SwiGLU, weighted sum of the used experts).
        QWEN3MOE;

        boolean qkNorm() {
            return this != LLAMA;
        }
    }

    /// The scheduler moves a CPU weight's matrix product to the GPU only for batches of at least this many tokens
    /// (`ggml_backend_vk_offload_op`); below it CPU blocks stay on the CPU and this replay does not apply.
    public static final long OP_OFFLOAD_MIN_BATCH = 32;

    /// ggml rounds each allocation up to the buffer's alignment (Vulkan: the device's storage-buffer offset alignment,
    /// 16 to 256 bytes); 256 covers them all, and the tensors of real models are multiples of it anyway.
    private static final long ALIGNMENT = 256;

    public long gpuBytes() {
        return gpuBytes(true);
    }

    /// The compute buffer of the CPU backend alone (no GPU backend, `gpuStart` ignored): the same graph in one split,
    /// not reordered, its inputs (token ids, positions, row indices, masks) and the looked-up embeddings allocated in
    /// the buffer too, the inputs first as ggml's allocator does.
    public long cpuBytes() {
        return bytes(false, true);
    }

    /// @param vulkanReorder apply the Vulkan backend's graph reordering to GPU splits (on by default in v0.4.0)
    long gpuBytes(boolean vulkanReorder) {
        return bytes(vulkanReorder, false);
    }

    private long bytes(boolean vulkanReorder, boolean cpuOnly) {
        // With the CPU backend alone everything lives in the one buffer the allocator measures (placed "GPU" here).
        Tensor.Place in = cpuOnly ? GPU : HOST;
        int gpuStart = cpuOnly ? 0 : this.gpuStart;
        ScheduledGraph g = new ScheduledGraph(vulkanReorder);
        long act = 4 * ubatch;
        long e = act * embd, q = act * qWidth, kv = act * kvWidth, f = act * ff;
        Tensor tokens = Tensor.leaf("inp_tokens", 4 * ubatch, in, false);
        Tensor pos = Tensor.leaf("inp_pos", 4 * ubatch, in, false);
        Tensor mask = Tensor.leaf("kq_mask", (flashAttention ? 2 : 4) * kvCells * ubatch, in, false);
        Tensor maskSwa = Tensor.leaf("kq_mask_swa", (flashAttention ? 2 : 4) * swaCells * ubatch, in, false);
        // Rows of the cache to write; a model with sliding-window layers has a second cache with its own indices.
        long vIdxBytes = flashAttention ? 8 * ubatch : 8 * ubatch * vWidth;
        Tensor kIdx = Tensor.leaf("k_idxs", 8 * ubatch, in, false);
        Tensor vIdx = Tensor.leaf("v_idxs", vIdxBytes, in, false);
        Tensor kIdxSwa = Tensor.leaf("k_idxs_swa", 8 * ubatch, in, false);
        Tensor vIdxSwa = Tensor.leaf("v_idxs_swa", vIdxBytes, in, false);
        Tensor outIds = Tensor.leaf("out_ids", 4 * ubatch, in, false);
        Tensor inpL = g.op("embd", GET_ROWS, e, in, weight("token_embd.weight", in), tokens);
        if (layout == Layout.GEMMA3) inpL = g.op("inp_scaled", SCALE, e, GPU, inpL);
        for (int il = 0; il < layers; il++) {
            Tensor.Place dev = il >= gpuStart ? GPU : HOST;
            String b = "blk." + il + ".";
            boolean swa = swaLayers.length > il && swaLayers[il];
            long cacheBytes = 2 * (swa ? swaCells : kvCells) * kvWidth;
            Tensor norm = g.op("norm", RMS_NORM, e, GPU, inpL);
            Tensor an = g.op("attn_norm", MUL, e, GPU, norm, weight(b + "attn_norm.weight", dev));
            Tensor qc = projection(g, "Qcur", q, b + "attn_q", dev, an);
            Tensor qRope, kRope, vr;
            if (layout == Layout.GEMMA3) {
                Tensor qh = perHead(g, "Qcur", q, qc, b + "attn_q_norm.weight", dev);
                qRope = g.op("Qscaled", SCALE, q, GPU, g.op("Qrope", ROPE, q, GPU, qh, pos));
                Tensor kc = projection(g, "Kcur", kv, b + "attn_k", dev, an);
                kRope = g.op("Krope", ROPE, kv, GPU, perHead(g, "Kcur", kv, kc, b + "attn_k_norm.weight", dev), pos);
                vr = g.view("Vcur", RESHAPE, kv, projection(g, "Vcur", kv, b + "attn_v", dev, an));
            } else {
                qRope = g.op("Qrope", ROPE, q, GPU, perHead(g, "Qcur", q, qc, b + "attn_q_norm.weight", dev), pos);
                // llama.cpp expands Q, then V, then K (so K's RoPE can write straight into the cache).
                vr = g.view("Vcur", RESHAPE, kv, projection(g, "Vcur", kv, b + "attn_v", dev, an));
                Tensor kc = projection(g, "Kcur", kv, b + "attn_k", dev, an);
                kRope = g.op("Krope", ROPE, kv, GPU, perHead(g, "Kcur", kv, kc, b + "attn_k_norm.weight", dev), pos);
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
            if (layout == Layout.GEMMA3) {
                Tensor pn = g.op("norm", RMS_NORM, e, GPU, attnOut);
                attnOut = g.op("attn_post_norm", MUL, e, GPU, pn, weight(b + "post_attention_norm.weight", dev));
            }
            Tensor residual = last ? g.op("rows", GET_ROWS, e, GPU, inpL, outIds) : inpL;
            Tensor ffnInp = g.op("ffn_inp", ADD, e, GPU, attnOut, residual);
            Tensor fNorm = g.op("norm", RMS_NORM, e, GPU, ffnInp);
            Tensor fn = g.op("ffn_norm", MUL, e, GPU, fNorm, weight(b + "ffn_norm.weight", dev));
            Tensor down;
            if (layout == Layout.QWEN3MOE) {
                down = moe(g, b, dev, fn);
            } else {
                Tensor gate = g.op("ffn_gate", MUL_MAT, f, GPU, weight(b + "ffn_gate.weight", dev), fn);
                Tensor up = g.op("ffn_up", MUL_MAT, f, GPU, weight(b + "ffn_up.weight", dev), fn);
                Tensor glu = g.op("ffn_glu", GLU, f, GPU, gate, up);
                down = g.op("ffn_out", MUL_MAT, e, GPU, weight(b + "ffn_down.weight", dev), glu);
            }
            if (layout == Layout.GEMMA3) {
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
        if (!cpuOnly) return new GraphAllocator(ALIGNMENT).run(g.nodes());
        // llama.cpp also creates an embeddings input [n_embd, ub] beside the token ids (for callers that pass
        // embeddings); unused here, it is allocated with the inputs and never freed (measured: one row of E above the
        // graph at every CPU-only peak, as in the host buffer's 2E rows with a GPU).
        Tensor embdInput = Tensor.leaf("inp_embd", e, in, false);
        g.keep(embdInput);
        List<Tensor> inputs = new ArrayList<>(List.of(embdInput, tokens, pos, kIdx, vIdx, mask));
        if (swaCells > 0) inputs.addAll(List.of(kIdxSwa, vIdxSwa, maskSwa));
        inputs.add(outIds);
        return new GraphAllocator(ALIGNMENT).run(g.nodes(), inputs);
    }

    /// `build_moe_ffn` (softmax gating, normalised top-k weights, SwiGLU), in the order `GGML_SCHED_DEBUG=2` prints its
    /// nodes (ggml's depth-first expansion): the sum of the used experts' outputs, `[n_embd, ub]`. A CPU layer's router
    /// and 3-D expert tensors are copied whole into the GPU buffer like any weight (op offload of `MUL_MAT_ID`).
    private Tensor moe(ScheduledGraph g, String b, Tensor.Place dev, Tensor in) {
        long act = 4 * ubatch, k = expertsUsed;
        Tensor logits = g.op("ffn_moe_logits", MUL_MAT, act * experts, GPU, weight(b + "ffn_gate_inp.weight", dev), in);
        Tensor probs = g.op("ffn_moe_probs", SOFT_MAX, act * experts, GPU, logits);
        Tensor probs3d = g.view("ffn_moe_probs (reshaped)", RESHAPE, act * experts, probs);
        Tensor argsort = g.op("ffn_moe_argsort", ARGSORT, act * experts, GPU, probs);
        Tensor topk = g.view("ffn_moe_topk", VIEW, act * k, argsort);
        Tensor weights = g.op("ffn_moe_weights", GET_ROWS, act * k, GPU, probs3d, topk);
        Tensor weights2d = g.view("ffn_moe_weights (reshaped)", RESHAPE, act * k, weights);
        Tensor sum = g.op("ffn_moe_weights_sum", SUM_ROWS, act, GPU, weights2d);
        Tensor clamped = g.op("ffn_moe_weights_sum_clamped", CLAMP, act, GPU, sum);
        Tensor norm = g.op("ffn_moe_weights_norm", DIV, act * k, GPU, weights2d, clamped);
        Tensor norm3d = g.view("ffn_moe_weights_norm (reshaped)", RESHAPE, act * k, norm);
        Tensor in3d = g.view("ffn_norm (reshaped)", RESHAPE, act * embd, in);
        long fk = act * ff * k;
        Tensor gate = g.op("ffn_moe_gate", MUL_MAT_ID, fk, GPU, weight(b + "ffn_gate_exps.weight", dev), in3d, topk);
        Tensor up = g.op("ffn_moe_up", MUL_MAT_ID, fk, GPU, weight(b + "ffn_up_exps.weight", dev), in3d, topk);
        Tensor glu = g.op("ffn_moe_swiglu", GLU, fk, GPU, gate, up);
        Tensor down = g.op("ffn_moe_down", MUL_MAT_ID, act * embd * k, GPU, weight(b + "ffn_down_exps.weight", dev), glu, topk);
        Tensor weighted = g.op("ffn_moe_weighted", MUL, act * embd * k, GPU, down, norm3d);
        Tensor[] expert = new Tensor[(int) k];
        for (int i = 0; i < k; i++) expert[i] = g.view("ffn_moe_weighted (view)", VIEW, act * embd, weighted);
        Tensor out = expert[0];
        for (int i = 1; i < k; i++) out = g.op("ffn_moe_out", ADD, act * embd, GPU, out, expert[i]);
        return k == 1 ? g.op("ffn_moe_out", CONT, act * embd, GPU, out) : out;
    }

    /// A projection `name.weight × in`, plus `name.bias` when the file has one.
    private Tensor projection(ScheduledGraph g, String name, long bytes, String tensor, Tensor.Place dev, Tensor in) {
        Tensor out = g.op(name, MUL_MAT, bytes, GPU, weight(tensor + ".weight", dev), in);
        String bias = tensor + ".bias";
        if (weightBytes.applyAsLong(bias) > 0) out = g.op(name, ADD, bytes, GPU, out, weight(bias, dev));
        return out;
    }

    /// A projection viewed per head (`[head, n_head, ub]`); with q/k norms also RMS-normed (a new tensor: the norm of a
    /// view cannot run in place) and multiplied by its norm weight.
    private Tensor perHead(ScheduledGraph g, String name, long bytes, Tensor proj, String norm, Tensor.Place dev) {
        Tensor viewed = g.view(name, RESHAPE, bytes, proj);
        if (!layout.qkNorm()) return viewed;
        Tensor n = g.op(name + "_norm", RMS_NORM, bytes, GPU, viewed);
        return g.op(name + "_normed", MUL, bytes, GPU, n, weight(norm, dev));
    }

    private Tensor weight(String name, Tensor.Place place) {
        return Tensor.weight(name, weightBytes.applyAsLong(name), place);
    }
}
