package dev.karuku.engine.estimate;

/// llama.cpp's own account of what it allocated, parsed from its log by `verify.BufferLogParser` (bytes, from MiB with two
/// decimals, so each figure is ±5 KiB).
///
/// @param modelCpu   `CPU_Mapped` / `CPU` / `*_Host` model buffers (host memory; with mmap, the mapped file span)
/// @param repack     model buffers of the CPU backend's extra types (`CPU_REPACK`, `AMX`): repacked copies in RAM
/// @param modelGpu   GPU model buffers (`Vulkan0`, `CUDA0`, …)
/// @param kv         KV buffers per side
/// @param compute    compute buffers: `CPU` and `*_Host` on the cpu side, GPU buffers on the gpu side
/// @param output     output (logits) buffer
/// @param offloaded  the X of "offloaded X/Y layers to GPU", -1 when not logged (no GPU backend)
/// @param units      the Y of that line, -1 when not logged
public record MeasuredBuffers(long modelCpu, long repack, long modelGpu, DeviceBytes kv, DeviceBytes compute, long output,
                              int offloaded, int units) {

    public DeviceBytes weights() {
        return new DeviceBytes(modelCpu + repack, modelGpu);
    }

    /// Host bytes llama.cpp allocated or mapped.
    public long ram() {
        return modelCpu + repack + kv.cpu() + compute.cpu() + output;
    }

    /// GPU bytes llama.cpp allocated.
    public long vram() {
        return modelGpu + kv.gpu() + compute.gpu();
    }
}
