package dev.karuku.engine.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.hardware.CpuBackend;
import org.junit.jupiter.api.Test;

/// Which extra buffer types llama.cpp's CPU backend offers, asked of ggml once its libraries are loaded.
class LlamaHardwareTest {

    @Test
    void theLoadedBackendDescribesItself() {
        CpuBackend cpu = LlamaHardware.cpuBackend(LlamaRuntime.load());
        assertThat(cpu.source()).isEqualTo("ggml");
        assertThat(cpu.extraBufferTypes()).doesNotContain("CPU", "CPU_Mapped");
        // On an x86 CPU with AVX2 or any ARM one the build offers CPU_REPACK; AMX only where the CPU has it.
        if (cpu.has("AVX2") || cpu.has("NEON")) assertThat(cpu.extraBufferTypes()).contains("CPU_REPACK");
        if (!cpu.has("AMX_INT8")) assertThat(cpu.extraBufferTypes()).doesNotContain("AMX");
        else assertThat(cpu.extraBufferTypes().indexOf("AMX")).isLessThan(cpu.extraBufferTypes().indexOf("CPU_REPACK"));
    }
}
