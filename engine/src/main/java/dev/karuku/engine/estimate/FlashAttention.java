package dev.karuku.engine.estimate;

/// llama.cpp's `flash_attn_type`. AUTO (the default) turns flash attention on when every device holding KV
/// supports it; on the pinned v0.4.0 that was the case for the CPU and for Vulkan (measured), so AUTO is
/// modelled as ON for those backends.
public enum FlashAttention {
    AUTO(-1), OFF(0), ON(1);

    private final int llamaValue;

    FlashAttention(int llamaValue) {
        this.llamaValue = llamaValue;
    }

    /// The value of `llama_context_params.flash_attn_type`.
    public int llamaValue() {
        return llamaValue;
    }

    public static FlashAttention parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> AUTO;
            case "on", "true", "1", "enabled" -> ON;
            case "off", "false", "0", "disabled" -> OFF;
            default -> throw new IllegalArgumentException("flash attention must be on, off or auto, got '" + s + "'");
        };
    }
}
