package dev.karuku.engine.hardware;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/// Takes [Hardware] snapshots: RAM and CPU from the OS, GPUs from an injected device lister (the llama
/// binding's `ggml_backend_dev_*` listing in the app, `llama.LlamaHardware`; a fixed list in tests). Call
/// [#snapshot()] again to refresh
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
