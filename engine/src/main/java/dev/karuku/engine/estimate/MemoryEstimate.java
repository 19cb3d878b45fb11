package dev.karuku.engine.estimate;

import java.util.List;

/// The memory bill of one model loaded with one set of options on one machine, per part and per device.
///
/// RAM parts are host memory (CPU buffers, pinned host buffers of a GPU backend, the logits buffer); GPU parts are
/// device memory. With mmap, CPU weights are file-backed: they live in the page cache and can be dropped and
/// re-read, but they are resident while the model runs, so they count in [#ramBytes].
///
/// @param layers          blocks in the model (L); the slider runs 0…L+1
/// @param gpuLayers       effective offloaded units (0 without a GPU; clamped to L+1)
/// @param contextLength   KV cells per sequence after llama.cpp's padding to 256
/// @param flashAttention  whether flash attention is on (AUTO resolved)
/// @param weights         model tensors per device; the GPU side includes the duplicated output matrix of tied models
/// @param kv              KV cache per device
/// @param compute         compute (scratch) buffers per device: `CPU`/`*_Host` on the cpu side, the GPU's on the gpu side
/// @param outputBytes     logits buffer (host memory)
/// @param overhead        backend runtime overhead (driver context, pools) not visible in llama.cpp's buffers
/// @param repackBytes     the copies of CPU weights in the CPU backend's extra buffer types (`CPU_REPACK`, `AMX`;
///                        anonymous RAM)
/// @param fileBackedBytes CPU weights served from the memory-mapped file
/// @param mappedSpanBytes the file range llama.cpp maps for CPU tensors (what it logs as `CPU_Mapped`); without mmap the
///                        bytes of its `CPU` model buffer
/// @param ramBytes        peak host RAM: weights.cpu + repack + kv.cpu + compute.cpu + output + overhead.cpu
/// @param vramBytes       GPU memory: weights.gpu + kv.gpu + compute.gpu + overhead.gpu
/// @param approximate     true when part of the model is not covered by the calibrated model
/// @param reasons         why it is approximate
public record MemoryEstimate(int layers, int gpuLayers, long contextLength, boolean flashAttention, DeviceBytes weights,
                             DeviceBytes kv, DeviceBytes compute, long outputBytes, DeviceBytes overhead, long repackBytes,
                             long fileBackedBytes, long mappedSpanBytes, long ramBytes, long vramBytes,
                             boolean approximate, List<String> reasons) {

    public MemoryEstimate {
        reasons = List.copyOf(reasons);
    }
}
