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
    private final Supplier<CpuBackend> cpu;

    /// @param gpus lists GPU devices with their free and total memory; called on every snapshot
    /// @param cpu  describes llama.cpp's CPU backend (its extra buffer types and features)
    public HardwareProbe(Supplier<List<GpuDevice>> gpus, Supplier<CpuBackend> cpu) {
        this.gpus = gpus;
        this.cpu = cpu;
    }

    /// A probe with the given GPUs and a CPU backend guessed from the OS's CPU flags.
    public HardwareProbe(Supplier<List<GpuDevice>> gpus) {
        this(gpus, () -> CpuTraits.guess(arch()));
    }

    /// A probe that sees no GPU and loads no natives (CPU-only builds, or before the natives are loaded): the CPU
    /// backend is guessed from the OS's CPU flags.
    public static HardwareProbe withoutGpus() {
        return new HardwareProbe(List::of);
    }

    /// A probe whose GPUs are the GPU devices llama.cpp lists and whose CPU backend is the one it loaded (loads the
    /// natives on first use).
    public static HardwareProbe withLlamaDevices() {
        return new HardwareProbe(() -> LlamaRuntime.load().devices().stream().filter(Device::isGpu)
                .map(d -> new GpuDevice(d.name(), d.description(), d.freeBytes(), d.totalBytes())).toList(),
                () -> CpuBackend.of(LlamaRuntime.load()));
    }

    /// A probe that ignores GPUs but describes the CPU backend llama.cpp loaded (for runs on the CPU alone that load
    /// the natives anyway, such as `estimate --cpu-only --verify`).
    public static HardwareProbe withLlamaCpuOnly() {
        return new HardwareProbe(List::of, () -> CpuBackend.of(LlamaRuntime.load()));
    }

    /// A fresh snapshot of RAM, cores and GPUs.
    public Hardware snapshot() {
        String os = System.getProperty("os.name", "unknown");
        String arch = arch();
        SystemMemory.Ram ram = SystemMemory.read(os);
        List<GpuDevice> devices = gpus.get();
        boolean unified = os.startsWith("Mac") && (arch.equals("aarch64") || arch.equals("arm64"))
                && devices.stream().anyMatch(d -> d.backend() == GpuBackend.METAL);
        return new Hardware(ram.total(), ram.available(), CpuInfo.physicalCores(), devices, unified,
                cpu.get(), os, arch);
    }

    private static String arch() {
        return System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    }
}
