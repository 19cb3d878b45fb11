package dev.karuku.engine.hardware;

/// One GPU as ggml sees it (`ggml_backend_dev_*`): what the VRAM figures in the UI come from.
///
/// @param name        ggml device name, e.g. `Vulkan0`, `CUDA0`, `MTL0`
/// @param description the vendor's name for it, e.g. `NVIDIA GeForce RTX 4060`
/// @param backend     which ggml backend drives it
/// @param freeBytes   free memory reported by `ggml_backend_dev_memory`
/// @param totalBytes  total memory reported by `ggml_backend_dev_memory`
public record GpuDevice(String name, String description, GpuBackend backend, long freeBytes, long totalBytes) {

    public GpuDevice(String name, String description, long freeBytes, long totalBytes) {
        this(name, description, GpuBackend.fromDeviceName(name), freeBytes, totalBytes);
    }
}
