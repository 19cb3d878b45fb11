package dev.karuku.app.load;

import dev.karuku.engine.settings.SpeculativeSettings;

/// The model in memory, as the status bar and Chat screen see it.
///
/// @param name          file or repository name shown to the user
/// @param backend       "CPU", "CUDA", "Vulkan" or "Metal"
/// @param gpuLayers     layers offloaded to the GPU
/// @param totalLayers   layers the model has (blocks + output)
/// @param ramBytes      main memory the model uses
/// @param vramBytes     GPU memory the model uses
/// @param contextLength tokens of context it was loaded with
/// @param buffers       what llama.cpp allocated, measured from its log while loading (null when not measured)
/// @param file          the GGUF file (null when not known)
/// @param speculative   the draft model loaded beside it and prompt lookup ([SpeculativeSettings#OFF] when neither)
public record LoadedModel(String name, String backend, int gpuLayers, int totalLayers, long ramBytes, long vramBytes,
                          int contextLength, dev.karuku.engine.estimate.MeasuredBuffers buffers, java.nio.file.Path file,
                          SpeculativeSettings speculative) {
    public LoadedModel {
        if (speculative == null) speculative = SpeculativeSettings.OFF;
    }

    public LoadedModel(String name, String backend, int gpuLayers, int totalLayers, long ramBytes, long vramBytes,
                       int contextLength, dev.karuku.engine.estimate.MeasuredBuffers buffers, java.nio.file.Path file) {
        this(name, backend, gpuLayers, totalLayers, ramBytes, vramBytes, contextLength, buffers, file, SpeculativeSettings.OFF);
    }

    public LoadedModel(String name, String backend, int gpuLayers, int totalLayers, long ramBytes, long vramBytes, int contextLength) {
        this(name, backend, gpuLayers, totalLayers, ramBytes, vramBytes, contextLength, null, null);
    }

    public LoadedModel(String name, String backend, int gpuLayers, int totalLayers, long ramBytes, long vramBytes,
                       int contextLength, dev.karuku.engine.estimate.MeasuredBuffers buffers) {
        this(name, backend, gpuLayers, totalLayers, ramBytes, vramBytes, contextLength, buffers, null);
    }
}
