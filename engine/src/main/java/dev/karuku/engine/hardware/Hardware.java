package dev.karuku.engine.hardware;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/// A snapshot of the machine the estimate is for. Devices are injected (from the llama binding's device list,
/// or by a test), so the estimator never needs native code.
///
/// @param totalRamBytes     physical memory
/// @param availableRamBytes memory the OS says can be used now without swapping
/// @param physicalCores     physical CPU cores (llama.cpp's thread count)
/// @param gpus              GPU devices, best first
/// @param unifiedMemory     GPU and CPU share one memory (Apple Silicon): VRAM is part of RAM, never added to it
/// @param cpu               llama.cpp's CPU backend here: the extra buffer types (`AMX`, `CPU_REPACK`) into which it
///                          copies the weights they take, and its features
/// @param os                `os.name`
/// @param arch              `os.arch`
public record Hardware(long totalRamBytes, long availableRamBytes, int physicalCores, List<GpuDevice> gpus,
                       boolean unifiedMemory, CpuBackend cpu, String os, String arch) {

    public Hardware {
        gpus = List.copyOf(gpus);
    }

    /// The device the estimate offloads to: the one with the most free memory.
    public Optional<GpuDevice> primaryGpu() {
        return gpus.stream().max(Comparator.comparingLong(GpuDevice::freeBytes));
    }

    public boolean hasGpu() {
        return !gpus.isEmpty();
    }

    /// A machine with no GPU and a common x86-64 CPU with AVX2 (tests and CPU-only builds).
    public static Hardware cpuOnly(long totalRam, long availableRam, int cores) {
        return new Hardware(totalRam, availableRam, cores, List.of(), false, CpuBackend.X86_AVX2, "Linux", "amd64");
    }

    public Hardware withGpus(List<GpuDevice> devices) {
        return new Hardware(totalRamBytes, availableRamBytes, physicalCores, devices, unifiedMemory, cpu, os, arch);
    }

    public Hardware withCpu(CpuBackend backend) {
        return new Hardware(totalRamBytes, availableRamBytes, physicalCores, gpus, unifiedMemory, backend, os, arch);
    }
}
