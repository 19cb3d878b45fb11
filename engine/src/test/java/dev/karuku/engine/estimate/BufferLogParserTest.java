package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BufferLogParserTest {

    static final long MIB = 1L << 20;

    @Test
    void readsEveryBufferOfAPartialVulkanOffload() {
        String log = """
                load_tensors: layer  16 assigned to device Vulkan0, is_swa = 0
                load_tensors: offloaded 8/17 layers to GPU
                load_tensors:   CPU_Mapped model buffer size =   346.45 MiB
                load_tensors:      Vulkan0 model buffer size =   297.29 MiB
                llama_context: Vulkan_Host  output buffer size =     0.12 MiB
                llama_kv_cache:        CPU KV buffer size =    36.00 MiB
                llama_kv_cache:    Vulkan0 KV buffer size =    28.00 MiB
                llama_kv_cache: size =   64.00 MiB (  2048 cells,  16 layers,  1/1 seqs), K (f16):   32.00 MiB, V (f16):   32.00 MiB
                sched_reserve:    Vulkan0 compute buffer size =    75.25 MiB
                sched_reserve: Vulkan_Host compute buffer size =    10.01 MiB
                """;
        MeasuredBuffers m = BufferLogParser.parse(log);
        assertThat(m.offloaded()).isEqualTo(8);
        assertThat(m.units()).isEqualTo(17);
        assertThat(m.modelCpu()).isEqualTo(Math.round(346.45 * MIB));
        assertThat(m.modelGpu()).isEqualTo(Math.round(297.29 * MIB));
        assertThat(m.kv()).isEqualTo(new DeviceBytes(36 * MIB, 28 * MIB));
        assertThat(m.compute()).isEqualTo(new DeviceBytes(Math.round(10.01 * MIB), Math.round(75.25 * MIB)));
        assertThat(m.output()).isEqualTo(Math.round(0.12 * MIB));
        assertThat(m.vram()).isEqualTo(m.modelGpu() + 28 * MIB + m.compute().gpu());
    }

    @Test
    void repackIsItsOwnPartAndTwoKvCachesOfASlidingWindowModelAddUp() {
        String log = """
                load_tensors:   CPU_Mapped model buffer size =   634.75 MiB
                load_tensors:   CPU_REPACK model buffer size =   445.50 MiB
                llama_kv_cache_iswa: creating non-SWA KV cache, size = 8192 cells
                llama_kv_cache:        CPU KV buffer size =     8.00 MiB
                llama_kv_cache_iswa: creating     SWA KV cache, size = 1024 cells
                llama_kv_cache:        CPU KV buffer size =     5.00 MiB
                sched_reserve:        CPU compute buffer size =    70.50 MiB
                """;
        MeasuredBuffers m = BufferLogParser.parse(log);
        assertThat(m.repack()).isEqualTo(Math.round(445.5 * MIB));
        assertThat(m.modelCpu()).isEqualTo(Math.round(634.75 * MIB));
        assertThat(m.kv().cpu()).isEqualTo(13 * MIB);
        assertThat(m.offloaded()).isEqualTo(-1);
        assertThat(m.weights().cpu()).isEqualTo(m.modelCpu() + m.repack());
    }

    @Test
    void hostBuffersOfGpuBackendsCountAsRam() {
        assertThat(BufferLogParser.isHost("CUDA_Host")).isTrue();
        assertThat(BufferLogParser.isHost("CPU_Mapped")).isTrue();
        assertThat(BufferLogParser.isHost("CUDA0")).isFalse();
        assertThat(BufferLogParser.isHost("MTL0")).isFalse();
    }
}
