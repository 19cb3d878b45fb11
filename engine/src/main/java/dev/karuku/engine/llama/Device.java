package dev.karuku.engine.llama;

/// A compute device as llama.cpp sees it, with its memory right now (`ggml_backend_dev_memory`): the VRAM figure
/// the UI shows and the estimator plans with, for CUDA, Vulkan and Metal alike.
///
/// @param name         ggml's device name: `CPU`, `Vulkan0`, `CUDA0`, `MTL0` (appears in llama.cpp's log)
/// @param description  the hardware, e.g. `NVIDIA GeForce RTX 4060` or `llvmpipe (LLVM 15.0.7, 256 bits)`
/// @param backend      the ggml backend: `CPU`, `Vulkan`, `CUDA`, `Metal`, `BLAS`, …
/// @param type         CPU, discrete GPU, integrated GPU, or accelerator
/// @param freeBytes    memory free on the device now
/// @param totalBytes   the device's total memory
public record Device(int index, String name, String description, String backend, DeviceType type,
                     long freeBytes, long totalBytes) {

    /// True for devices that can hold offloaded layers (discrete or integrated GPUs).
    public boolean isGpu() {
        return type == DeviceType.GPU || type == DeviceType.IGPU;
    }
}
