package dev.karuku.engine.hardware;

import dev.karuku.engine.llama.Device;
import dev.karuku.engine.llama.LlamaRuntime;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/// Takes [Hardware] snapshots: RAM and CPU from the OS, GPUs from an injected device lister (the llama
/// binding's `ggml_backend_dev_*` listing in the app; a fixed list in tests). Call [#snapshot()] again to refresh
/// (free VRAM and RAM change while other programs run).
public final class HardwareProbe {

    private final Supplier<List<GpuDevice>> gpus;

    /// @param gpus lists GPU devices with their free and total memory; called on every snapshot
    public HardwareProbe(Supplier<List<GpuDevice>> gpus) {
        this.gpus = gpus;
    }

    /// A probe that sees no GPU (CPU-only builds, or before the natives are loaded).
    public static HardwareProbe withoutGpus() {
        return new HardwareProbe(List::of);
    }

    /// A probe whose GPUs are the GPU devices llama.cpp lists (loads the natives on first use).
    public static HardwareProbe withLlamaDevices() {
        return new HardwareProbe(() -> LlamaRuntime.load().devices().stream().filter(Device::isGpu)
                .map(d -> new GpuDevice(d.name(), d.description(), d.freeBytes(), d.totalBytes())).toList());
    }

    /// A fresh snapshot of RAM, cores and GPUs.
    public Hardware snapshot() {
        String os = System.getProperty("os.name", "unknown");
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        SystemMemory.Ram ram = SystemMemory.read(os);
        List<GpuDevice> devices = gpus.get();
        boolean unified = os.startsWith("Mac") && (arch.equals("aarch64") || arch.equals("arm64"))
                && devices.stream().anyMatch(d -> d.backend() == GpuBackend.METAL);
        return new Hardware(ram.total(), ram.available(), CpuInfo.physicalCores(), devices, unified,
                CpuTraits.repacks(arch), os, arch);
    }
}
