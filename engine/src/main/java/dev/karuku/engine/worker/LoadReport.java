package dev.karuku.engine.worker;

import dev.karuku.engine.estimate.MeasuredBuffers;
import dev.karuku.engine.settings.SpeculativeSettings;

/// What a worker measured when it loaded its model: where the layers went and what llama.cpp allocated, read from
/// llama.cpp's own log while loading (so a status bar shows memory in use, not an estimate).
///
/// @param backend       "CPU", "CUDA", "Vulkan" or "Metal": where the offloaded layers run
/// @param gpuLayers     layers offloaded to the GPU
/// @param totalLayers   layers the model has (blocks + output)
/// @param contextLength tokens each completion may hold (prompt and reply)
/// @param modelBytes    the model file's tensor bytes
/// @param buffers       llama.cpp's buffers (weights, KV cache, compute); null when its log did not say
/// @param templateFallback why the model's own Jinja chat template could not be run (llama.cpp's matcher formats its
///                      chats instead), or null when it runs or the model has none
/// @param thinkingSwitch whether the model's template can switch its thinking off (`enable_thinking`)
/// @param speculative   the speculative decoding the model was loaded with (its draft model, prompt lookup);
///                      [SpeculativeSettings#OFF] when none
public record LoadReport(String backend, int gpuLayers, int totalLayers, int contextLength, long modelBytes,
                         MeasuredBuffers buffers, String templateFallback, boolean thinkingSwitch,
                         SpeculativeSettings speculative) {

    public LoadReport {
        if (speculative == null) speculative = SpeculativeSettings.OFF;
    }

    public LoadReport(String backend, int gpuLayers, int totalLayers, int contextLength, long modelBytes,
                      MeasuredBuffers buffers, String templateFallback, boolean thinkingSwitch) {
        this(backend, gpuLayers, totalLayers, contextLength, modelBytes, buffers, templateFallback, thinkingSwitch,
                SpeculativeSettings.OFF);
    }

    public LoadReport(String backend, int gpuLayers, int totalLayers, int contextLength, long modelBytes,
                      MeasuredBuffers buffers) {
        this(backend, gpuLayers, totalLayers, contextLength, modelBytes, buffers, null, false);
    }

    /// A load nothing was measured of.
    public static final LoadReport UNKNOWN = new LoadReport("CPU", 0, 0, 0, 0, null);

    /// Host memory in use: llama.cpp's buffers (with mmap, the mapped span of the file), else the file's size.
    public long ramBytes() {
        return buffers != null && buffers.ram() > 0 ? buffers.ram() : modelBytes;
    }

    /// GPU memory llama.cpp allocated (weights, KV cache and compute buffers on the GPU); 0 without a GPU.
    public long vramBytes() {
        return buffers == null ? 0 : buffers.vram();
    }
}
