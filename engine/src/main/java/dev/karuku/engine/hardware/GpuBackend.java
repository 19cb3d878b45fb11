package dev.karuku.engine.hardware;

import java.util.Locale;

/// The ggml backend a GPU device belongs to, derived from its ggml device name (`CUDA0`, `Vulkan0`, `MTL0`).
public enum GpuBackend {
    CUDA, VULKAN, METAL, OTHER;

    public static GpuBackend fromDeviceName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("cuda")) return CUDA;
        if (n.startsWith("vulkan")) return VULKAN;
        if (n.startsWith("mtl") || n.startsWith("metal")) return METAL;
        return OTHER;
    }
}
