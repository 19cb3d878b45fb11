package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgmlType;

/// The KV cache element types Karuku offers. Quantized types halve or quarter the cache; a quantized V cache
/// needs flash attention (llama.cpp refuses the context otherwise).
public enum KvCacheType {
    F16(GgmlType.F16), Q8_0(GgmlType.Q8_0), Q4_0(GgmlType.Q4_0);

    private final GgmlType ggml;

    KvCacheType(GgmlType ggml) {
        this.ggml = ggml;
    }

    public GgmlType ggml() {
        return ggml;
    }

    public boolean isQuantized() {
        return ggml.isQuantized();
    }

    /// `f16`, `q8_0`, `q4_0` (case-insensitive).
    public static KvCacheType parse(String s) {
        for (KvCacheType t : values()) if (t.name().equalsIgnoreCase(s)) return t;
        throw new IllegalArgumentException("KV cache type must be f16, q8_0 or q4_0, got '" + s + "'");
    }
}
