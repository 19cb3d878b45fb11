package dev.karuku.engine.hardware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/// The CPU backend llama.cpp would load here, guessed from the CPU flags in `/proc/cpuinfo` for when its libraries
/// are not loaded (see [CpuBackend#guess]). With them loaded, `llama.LlamaHardware.cpuBackend` asks ggml instead.
final class CpuTraits {

    private CpuTraits() {}

    static CpuBackend guess(String arch) {
        String flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                String key = colon < 0 ? "" : line.substring(0, colon).strip();
                if (key.equals("flags") || key.equals("Features")) {
                    flags = line.substring(colon + 1);
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no flags to read
        }
        return CpuBackend.guess(arch, flags);
    }
}
