package dev.karuku.engine.hardware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/// What the estimator needs to know about the CPU: physical cores (until the llama binding's `CpuInfo` is
/// merged, counted here from `/proc/cpuinfo`) and whether llama.cpp will repack weights (AVX2 on x86-64,
/// always on arm64, whose NEON dot-product kernels repack q4_0/iq4_nl).
final class CpuTraits {

    private CpuTraits() {}

    /// Distinct (physical id, core id) pairs of `/proc/cpuinfo`; half the logical CPUs elsewhere (SMT guess).
    static int physicalCores() {
        try {
            String text = Files.readString(Path.of("/proc/cpuinfo"));
            Set<String> cores = new HashSet<>();
            String phys = "0";
            for (String line : text.split("\n")) {
                if (line.startsWith("physical id")) phys = line.substring(line.indexOf(':') + 1).strip();
                if (line.startsWith("core id")) cores.add(phys + "/" + line.substring(line.indexOf(':') + 1).strip());
            }
            if (!cores.isEmpty()) return cores.size();
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    static boolean repacks(String arch) {
        if (arch.equals("aarch64") || arch.equals("arm64")) return true;
        try {
            String text = Files.readString(Path.of("/proc/cpuinfo"));
            return text.contains(" avx2");
        } catch (IOException | RuntimeException e) {
            return true; // any x86-64 CPU from the last decade has AVX2
        }
    }
}
