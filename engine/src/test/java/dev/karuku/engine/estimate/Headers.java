package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.gguf.GgufValue;
import dev.karuku.engine.gguf.TensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// In-memory GGUF headers of realistic shape (no file, no tensor data) for the pure estimator tests. Types follow
/// llama.cpp's Q4_K_M rules: Q6_K output, Q6_K attn_v/ffn_down on `use_more_bits` layers, Q4_K elsewhere, F32 norms.
final class Headers {

    static final GgufValue.Type U32 = GgufValue.Type.UINT32;

    record Shape(String arch, int layers, int embd, int ff, int heads, int kvHeads, int headDim, int vocab, boolean tied,
                 int swa, int experts, int expertsUsed) {
        static Shape llama1b() {
            return new Shape("llama", 16, 2048, 8192, 32, 8, 64, 32000, false, 0, 0, 0);
        }

        static Shape gemma3() {
            return new Shape("gemma3", 6, 1024, 4096, 4, 1, 256, 32000, true, 512, 0, 0);
        }

        static Shape moe() {
            return new Shape("llama", 4, 1024, 512, 8, 2, 128, 32000, false, 0, 8, 2);
        }

        Shape withArch(String a) {
            return new Shape(a, layers, embd, ff, heads, kvHeads, headDim, vocab, tied, swa, experts, expertsUsed);
        }

        Shape withTied(boolean t) {
            return new Shape(arch, layers, embd, ff, heads, kvHeads, headDim, vocab, t, swa, experts, expertsUsed);
        }
    }

    private Headers() {}

    static GgufFile q4km(Shape s) {
        return build(s, GgmlType.Q4_K, true, Map.of());
    }

    static GgufFile of(Shape s, GgmlType base) {
        return build(s, base, false, Map.of());
    }

    static GgufFile build(Shape s, GgmlType base, boolean q4kmRules, Map<String, GgufValue> extra) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        String a = s.arch();
        m.put("general.architecture", new GgufValue.Str(a));
        put(m, a + ".block_count", s.layers());
        put(m, a + ".context_length", 8192);
        put(m, a + ".embedding_length", s.embd());
        put(m, a + ".feed_forward_length", s.ff());
        put(m, a + ".attention.head_count", s.heads());
        put(m, a + ".attention.head_count_kv", s.kvHeads());
        put(m, a + ".attention.key_length", s.headDim());
        put(m, a + ".attention.value_length", s.headDim());
        if (s.swa() > 0) put(m, a + ".attention.sliding_window", s.swa());
        if (s.experts() > 0) {
            put(m, a + ".expert_count", s.experts());
            put(m, a + ".expert_used_count", s.expertsUsed());
        }
        m.putAll(extra);
        List<TensorInfo> t = new ArrayList<>();
        GgmlType out = q4kmRules ? GgmlType.Q6_K : base;
        long q = (long) s.heads() * s.headDim(), kv = (long) s.kvHeads() * s.headDim();
        add(t, "token_embd.weight", s.tied() ? out : base, s.embd(), s.vocab());
        add(t, "output_norm.weight", GgmlType.F32, s.embd());
        if (!s.tied()) add(t, "output.weight", out, s.embd(), s.vocab());
        int n = s.layers();
        for (int l = 0; l < n; l++) {
            String p = "blk." + l + ".";
            boolean more = q4kmRules && (l < n / 8 || l >= 7 * n / 8 || (l - n / 8) % 3 == 2);
            GgmlType wide = more ? GgmlType.Q6_K : base;
            add(t, p + "attn_norm.weight", GgmlType.F32, s.embd());
            add(t, p + "attn_q.weight", base, s.embd(), q);
            add(t, p + "attn_k.weight", base, s.embd(), kv);
            add(t, p + "attn_v.weight", wide, s.embd(), kv);
            if (a.equals("qwen2")) {
                add(t, p + "attn_q.bias", GgmlType.F32, q);
                add(t, p + "attn_k.bias", GgmlType.F32, kv);
                add(t, p + "attn_v.bias", GgmlType.F32, kv);
            }
            add(t, p + "attn_output.weight", base, q, s.embd());
            if (a.equals("qwen3")) {
                add(t, p + "attn_q_norm.weight", GgmlType.F32, s.headDim());
                add(t, p + "attn_k_norm.weight", GgmlType.F32, s.headDim());
            }
            add(t, p + "ffn_norm.weight", GgmlType.F32, s.embd());
            if (s.experts() > 0) {
                add(t, p + "ffn_gate_inp.weight", GgmlType.F32, s.embd(), s.experts());
                add(t, p + "ffn_gate_exps.weight", base, s.embd(), s.ff(), s.experts());
                add(t, p + "ffn_up_exps.weight", base, s.embd(), s.ff(), s.experts());
                add(t, p + "ffn_down_exps.weight", wide, s.ff(), s.embd(), s.experts());
            } else {
                add(t, p + "ffn_gate.weight", base, s.embd(), s.ff());
                add(t, p + "ffn_up.weight", base, s.embd(), s.ff());
                add(t, p + "ffn_down.weight", wide, s.ff(), s.embd());
            }
        }
        long size = t.getLast().offset() + t.getLast().bytes();
        return new GgufFile(3, new GgufMetadata(m), t, 32, 4096, 4000, 4096 + size);
    }

    static void put(Map<String, GgufValue> m, String key, long v) {
        m.put(key, new GgufValue.Int(U32, v));
    }

    private static void add(List<TensorInfo> t, String name, GgmlType type, long... shape) {
        long offset = t.isEmpty() ? 0 : align(t.getLast().offset() + t.getLast().bytes());
        t.add(new TensorInfo(name, type, shape, offset, TensorInfo.byteSize(type, shape)));
    }

    private static long align(long x) {
        return (x + 31) / 32 * 32;
    }

    static long bytesOf(GgufFile f, String name) {
        return f.tensor(name).orElseThrow().bytes();
    }
}
