package dev.karuku.engine.llama;

/// The element type of the KV cache (`type_k`/`type_v`, a `ggml_type`). Q8_0 halves the cache of F16 with little
/// quality loss, Q4_0 quarters it; both need flash attention for the V half.
public enum KvCacheType {
    F16(1), Q8_0(8), Q4_0(2), F32(0);

    private final int ggmlType;

    KvCacheType(int ggmlType) {
        this.ggmlType = ggmlType;
    }

    public int ggmlType() {
        return ggmlType;
    }
}
