package dev.karuku.engine.llama;

/// `enum llama_flash_attn_type`: flash attention saves memory and time where the backend supports it; AUTO lets
/// llama.cpp decide per device. A quantized V cache ([KvCacheType#Q8_0], [KvCacheType#Q4_0]) needs it.
public enum FlashAttention {
    AUTO(-1), ON(1), OFF(0);

    private final int value;

    FlashAttention(int value) {
        this.value = value;
    }

    public int nativeValue() {
        return value;
    }
}
