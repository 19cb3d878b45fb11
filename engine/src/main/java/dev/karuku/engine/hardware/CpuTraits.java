package dev.karuku.engine.hardware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/// Whether llama.cpp will repack weights on this CPU (AVX2 on x86-64; always on arm64, whose NEON dot-product
/// kernels repack q4_0/iq4_nl). Physical cores come from [CpuInfo].
final class CpuTraits {

    private CpuTraits() {}

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
