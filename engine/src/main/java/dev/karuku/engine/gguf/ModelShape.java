package dev.karuku.engine.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/// The hyperparameters of a transformer, enough to lay out every tensor llama.cpp expects for it: used to write
/// synthetic models of realistic shape (speed and memory do not depend on the weights' values) and to reason about
/// their sizes.
///
/// @param architecture   `llama`, `qwen2` (adds Q/K/V projection biases), `qwen3` (adds q/k norms), `qwen3moe` (qwen3's
///                       attention, a mixture-of-experts feed-forward) or `gemma3` (q/k norms, post-norms and
///                       sliding-window attention)
/// @param blocks         transformer blocks (`block_count`)
/// @param embd           `embedding_length`
/// @param ff             `feed_forward_length`; for `qwen3moe` the width of one expert (`expert_feed_forward_length`)
/// @param heads          attention heads
/// @param kvHeads        key/value heads (grouped-query attention when fewer than `heads`)
/// @param headDim        dimension per head; usually `embd / heads` for llama and qwen2, often more for qwen3 and gemma3
/// @param vocab          tokens in the vocabulary (at least the 261 special and byte tokens)
/// @param contextLength  `context_length` the model was trained for
/// @param tiedEmbeddings no `output.weight`: llama.cpp reuses `token_embd.weight` for the output layer
/// @param slidingWindow  `attention.sliding_window` for gemma3 (0 for none)
/// @param experts        `expert_count` for `qwen3moe` (0 for dense models)
/// @param expertsUsed    `expert_used_count`: experts each token is routed to
public record ModelShape(String architecture, int blocks, int embd, int ff, int heads, int kvHeads, int headDim,
                         int vocab, int contextLength, boolean tiedEmbeddings, int slidingWindow, int experts,
                         int expertsUsed) {

    /// Special and byte tokens every synthetic vocabulary starts with (see [TestModels]).
    public static final int MIN_VOCAB = 261;

    /// The architectures whose tensors and metadata [#tensors()] and [TestModels] know how to write.
    public static final Set<String> ARCHITECTURES = Set.of("llama", "qwen2", "qwen3", "qwen3moe", "gemma3");

    public ModelShape {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("architecture must be one of " + ARCHITECTURES + ", got " + architecture);
        }
        if (blocks < 1 || embd < 1 || ff < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || contextLength < 1) {
            throw new IllegalArgumentException("every dimension must be positive");
        }
        if (heads % kvHeads != 0) throw new IllegalArgumentException(heads + " heads are not a multiple of " + kvHeads + " KV heads");
        if (headDim % 2 != 0) throw new IllegalArgumentException("head dimension must be even (RoPE), got " + headDim);
        if (vocab < MIN_VOCAB) throw new IllegalArgumentException("vocab must be at least " + MIN_VOCAB + ", got " + vocab);
        if (architecture.equals("gemma3") && slidingWindow < 1) throw new IllegalArgumentException("gemma3 needs a sliding window");
        if (slidingWindow < 0) throw new IllegalArgumentException("sliding window must not be negative");
        if (architecture.equals("qwen3moe") != (experts > 0)) throw new IllegalArgumentException("experts are for qwen3moe only");
        if (expertsUsed < 0 || expertsUsed > experts || (experts > 0 && expertsUsed < 1)) {
            throw new IllegalArgumentException(expertsUsed + " experts used of " + experts);
        }
    }

    /// A dense model (no experts).
    public ModelShape(String architecture, int blocks, int embd, int ff, int heads, int kvHeads, int headDim, int vocab,
                      int contextLength, boolean tiedEmbeddings, int slidingWindow) {
        this(architecture, blocks, embd, ff, heads, kvHeads, headDim, vocab, contextLength, tiedEmbeddings, slidingWindow, 0, 0);
    }

    /// The known-answer model of engine-notes.md ("A test model whose answer is known").
    public static ModelShape successor() {
        return new ModelShape("llama", 2, 256, 512, 4, 4, 64, 285, 512, false, 0);
    }

    /// The successor construction at Llama-3.2-1B's block count and width (16 blocks, n_embd 2048, n_ff 8192, 32 heads,
    /// 8 KV heads) with the successor's 285-token vocabulary: the model whose exact answer costs what a 1B model's does.
    public static ModelShape successor1b() {
        return new ModelShape("llama", 16, 2048, 8192, 32, 8, 64, 285, 4096, false, 0);
    }

    /// Llama-3.2-1B: 16 blocks, n_embd 2048, n_ff 8192, 32 heads, 8 KV heads, head dim 64, vocab 128256, ctx 131072.
    public static ModelShape llama1b(boolean tiedEmbeddings) {
        return new ModelShape("llama", 16, 2048, 8192, 32, 8, 64, 128256, 131072, tiedEmbeddings, 0);
    }

    /// Gemma-3-1B: 26 blocks, n_embd 1152, n_ff 6912, 4 heads, 1 KV head, head dim 256, vocab 262144, ctx 32768,
    /// tied embeddings, sliding window 512.
    public static ModelShape gemma3_1b() {
        return new ModelShape("gemma3", 26, 1152, 6912, 4, 1, 256, 262144, 32768, true, 512);
    }

    public ModelShape withBlocks(int n) {
        return new ModelShape(architecture, n, embd, ff, heads, kvHeads, headDim, vocab, contextLength, tiedEmbeddings, slidingWindow,
                experts, expertsUsed);
    }

    public ModelShape withVocab(int n) {
        return new ModelShape(architecture, blocks, embd, ff, heads, kvHeads, headDim, n, contextLength, tiedEmbeddings, slidingWindow,
                experts, expertsUsed);
    }

    public ModelShape withContextLength(int n) {
        return new ModelShape(architecture, blocks, embd, ff, heads, kvHeads, headDim, vocab, n, tiedEmbeddings, slidingWindow,
                experts, expertsUsed);
    }

    public ModelShape withTiedEmbeddings(boolean tied) {
        return new ModelShape(architecture, blocks, embd, ff, heads, kvHeads, headDim, vocab, contextLength, tied, slidingWindow,
                experts, expertsUsed);
    }

    /// One tensor of the model: its GGUF name and ggml shape (`ne[0]` first).
    public record TensorSpec(String name, long[] shape) {
        /// A 1-D tensor (norm weight or bias): kept F32, never quantized.
        public boolean isNorm() {
            return shape.length == 1;
        }

        public boolean isBias() {
            return name.endsWith(".bias");
        }

        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    /// Every tensor llama.cpp v0.4.0 loads for this architecture, in the order converters write them.
    public List<TensorSpec> tensors() {
        List<TensorSpec> t = new ArrayList<>();
        long q = (long) headDim * heads;
        long kv = (long) headDim * kvHeads;
        t.add(new TensorSpec("token_embd.weight", new long[] {embd, vocab}));
        for (int b = 0; b < blocks; b++) {
            String p = "blk." + b + ".";
            t.add(new TensorSpec(p + "attn_norm.weight", new long[] {embd}));
            t.add(new TensorSpec(p + "attn_q.weight", new long[] {embd, q}));
            t.add(new TensorSpec(p + "attn_k.weight", new long[] {embd, kv}));
            t.add(new TensorSpec(p + "attn_v.weight", new long[] {embd, kv}));
            if (architecture.equals("qwen2")) {
                t.add(new TensorSpec(p + "attn_q.bias", new long[] {q}));
                t.add(new TensorSpec(p + "attn_k.bias", new long[] {kv}));
                t.add(new TensorSpec(p + "attn_v.bias", new long[] {kv}));
            }
            t.add(new TensorSpec(p + "attn_output.weight", new long[] {q, embd}));
            if (qkNorm()) {
                t.add(new TensorSpec(p + "attn_q_norm.weight", new long[] {headDim}));
                t.add(new TensorSpec(p + "attn_k_norm.weight", new long[] {headDim}));
            }
            if (architecture.equals("gemma3")) t.add(new TensorSpec(p + "post_attention_norm.weight", new long[] {embd}));
            t.add(new TensorSpec(p + "ffn_norm.weight", new long[] {embd}));
            if (experts > 0) {
                // The router (kept F32/F16 by llama.cpp's quantizer) and the experts stacked in 3-D tensors.
                t.add(new TensorSpec(p + "ffn_gate_inp.weight", new long[] {embd, experts}));
                t.add(new TensorSpec(p + "ffn_gate_exps.weight", new long[] {embd, ff, experts}));
                t.add(new TensorSpec(p + "ffn_up_exps.weight", new long[] {embd, ff, experts}));
                t.add(new TensorSpec(p + "ffn_down_exps.weight", new long[] {ff, embd, experts}));
            } else {
                t.add(new TensorSpec(p + "ffn_gate.weight", new long[] {embd, ff}));
                t.add(new TensorSpec(p + "ffn_up.weight", new long[] {embd, ff}));
                t.add(new TensorSpec(p + "ffn_down.weight", new long[] {ff, embd}));
            }
            if (architecture.equals("gemma3")) t.add(new TensorSpec(p + "post_ffw_norm.weight", new long[] {embd}));
        }
        t.add(new TensorSpec("output_norm.weight", new long[] {embd}));
        if (!tiedEmbeddings) t.add(new TensorSpec("output.weight", new long[] {embd, vocab}));
        return t;
    }

    /// Q and K are RMS-normed per head before RoPE (`attn_q_norm`, `attn_k_norm`): qwen3, qwen3moe and gemma3.
    public boolean qkNorm() {
        return architecture.startsWith("qwen3") || architecture.equals("gemma3");
    }

    /// Total weights, counting a tied embedding once.
    public long parameterCount() {
        return tensors().stream().mapToLong(TensorSpec::elements).sum();
    }
}
