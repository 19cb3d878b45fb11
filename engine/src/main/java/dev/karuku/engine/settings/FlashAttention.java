package dev.karuku.engine.settings;

import java.util.Locale;

/// `enum llama_flash_attn_type`: flash attention saves memory and time where the backend supports it; AUTO lets
/// llama.cpp decide per device (on v0.4.0 it turned it on for the CPU and Vulkan, measured — the estimator
/// models AUTO that way). A quantized V cache ([KvCacheType#Q8_0], [KvCacheType#Q4_0]) needs it.
public enum FlashAttention {
    AUTO(-1), ON(1), OFF(0);

    private final int value;

    FlashAttention(int value) {
        this.value = value;
    }

    /// The value of `llama_context_params.flash_attn_type`.
    public int nativeValue() {
        return value;
    }

    /// `auto`, `on`, `off` (also `true`/`false`, `1`/`0`, `enabled`/`disabled`).
    public static FlashAttention parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "on", "true", "1", "enabled" -> ON;
            case "off", "false", "0", "disabled" -> OFF;
            default -> throw new IllegalArgumentException("flash attention must be on, off or auto, got '" + s + "'");
        };
    }
}
