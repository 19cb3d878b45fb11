package dev.karuku.engine.settings;

import dev.karuku.engine.gguf.GgmlType;

/// The element type of the KV cache (`type_k`/`type_v`, a `ggml_type`). Q8_0 halves the cache of F16 with little
/// quality loss, Q4_0 quarters it; both need flash attention for the V half (llama.cpp refuses the context
/// otherwise). The memory estimator sizes the cache from the same type.
public enum KvCacheType {
    F16(GgmlType.F16), Q8_0(GgmlType.Q8_0), Q4_0(GgmlType.Q4_0), F32(GgmlType.F32);

    private final GgmlType ggml;

    KvCacheType(GgmlType ggml) {
        this.ggml = ggml;
    }

    public GgmlType ggml() {
        return ggml;
    }

    /// The `enum ggml_type` value passed to llama.cpp.
    public int ggmlType() {
        return ggml.id();
    }

    public boolean isQuantized() {
        return ggml.isQuantized();
    }

    /// `f16`, `q8_0`, `q4_0`, `f32` (case-insensitive).
    public static KvCacheType parse(String s) {
        for (KvCacheType t : values()) if (t.name().equalsIgnoreCase(s)) return t;
        throw new IllegalArgumentException("KV cache type must be f16, q8_0 or q4_0, got '" + s + "'");
    }
}
