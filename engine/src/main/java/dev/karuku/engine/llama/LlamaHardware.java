package dev.karuku.engine.llama;

import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.HardwareProbe;
import java.util.List;

/// This PC as llama.cpp sees it, handed to the pure [HardwareProbe]: the GPU devices ggml lists and the CPU backend
/// it loaded. Lives in the binding so that `hardware` (and the estimator above it) never reaches llama.cpp.
public final class LlamaHardware {

    private LlamaHardware() {}

    /// A probe whose GPUs are the GPU devices llama.cpp lists and whose CPU backend is the one it loaded (loads the
    /// natives on first use).
    public static HardwareProbe probe() {
        return new HardwareProbe(() -> LlamaRuntime.load().devices().stream().filter(Device::isGpu)
                .map(d -> new GpuDevice(d.name(), d.description(), d.freeBytes(), d.totalBytes())).toList(),
                () -> cpuBackend(LlamaRuntime.load()));
    }

    /// A probe that ignores GPUs but describes the CPU backend llama.cpp loaded (for runs on the CPU alone that load
    /// the natives anyway, such as `estimate --cpu-only --verify`).
    public static HardwareProbe cpuOnlyProbe() {
        return new HardwareProbe(List::of, () -> cpuBackend(LlamaRuntime.load()));
    }

    /// The CPU backend llama.cpp loaded, as it describes itself (`source` = `ggml`).
    public static CpuBackend cpuBackend(LlamaRuntime rt) {
        List<String> extra = rt.bufferTypes().stream().filter(BufferType::cpuExtra).map(BufferType::name).toList();
        return new CpuBackend(extra, rt.cpuFeatures(), "ggml");
    }
}
