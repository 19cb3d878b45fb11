package dev.karuku.engine.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.estimate.DeviceBytes;
import dev.karuku.engine.estimate.MeasuredBuffers;
import dev.karuku.engine.estimate.RecordedCpus;
import dev.karuku.engine.llama.BufferType;
import dev.karuku.engine.llama.DeviceType;
import java.util.List;
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
        MeasuredBuffers m = BufferLogParser.parse(log, RecordedCpus.VULKAN_TYPES);
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
        MeasuredBuffers m = BufferLogParser.parse(log, RecordedCpus.VULKAN_TYPES);
        assertThat(m.repack()).isEqualTo(Math.round(445.5 * MIB));
        assertThat(m.modelCpu()).isEqualTo(Math.round(634.75 * MIB));
        assertThat(m.kv().cpu()).isEqualTo(13 * MIB);
        assertThat(m.offloaded()).isEqualTo(-1);
        assertThat(m.weights().cpu()).isEqualTo(m.modelCpu() + m.repack());
    }

    @Test
    void anAmxBufferIsHostRamBecauseGgmlSaysItBelongsToTheCpu() throws Exception {
        // The whole log of a load on an Intel Xeon with AMX (Sapphire Rapids): the AMX buffer holds repacked weights.
        MeasuredBuffers m = BufferLogParser.parse(RecordedCpus.amxLog("Q4_0"), RecordedCpus.AMX_TYPES);
        assertThat(m.repack()).isEqualTo(Math.round(90.88 * MIB));
        assertThat(m.modelCpu()).isEqualTo(Math.round(80.64 * MIB));
        assertThat(m.modelGpu()).isZero();
        assertThat(m.vram()).isZero();
        assertThat(m.ram()).isEqualTo(m.modelCpu() + m.repack() + 16 * MIB + Math.round(66.50 * MIB) + Math.round(0.12 * MIB));
    }

    @Test
    void aBufferTypeIsPlacedByItsDeviceNotByItsName() {
        // A GPU backend may name its buffers anything; ggml says which device each belongs to and whether it is host memory.
        var types = List.of(new BufferType("CPU", "", DeviceType.CPU, true, false),
                new BufferType("CPU_Pinned_GPU0", "GPU0", DeviceType.GPU, false, false),
                new BufferType("GPU0_Staging", "GPU0", DeviceType.GPU, true, false),
                new BufferType("KLEIDIAI", "CPU", DeviceType.CPU, false, true));
        MeasuredBuffers m = BufferLogParser.parse("""
                load_tensors:   CPU_Pinned_GPU0 model buffer size =   100.00 MiB
                load_tensors:   KLEIDIAI model buffer size =   10.00 MiB
                sched_reserve:  GPU0_Staging compute buffer size =    4.00 MiB
                """, types);
        assertThat(m.modelGpu()).isEqualTo(100 * MIB);
        assertThat(m.repack()).isEqualTo(10 * MIB);
        assertThat(m.compute()).isEqualTo(new DeviceBytes(4 * MIB, 0));
        // Names the backends did not report (a log from another machine) follow ggml's naming.
        MeasuredBuffers other = BufferLogParser.parse("""
                load_tensors:   CUDA0 model buffer size =   100.00 MiB
                load_tensors:   CUDA_Host model buffer size =   10.00 MiB
                """, List.of());
        assertThat(other.modelGpu()).isEqualTo(100 * MIB);
        assertThat(other.modelCpu()).isEqualTo(10 * MIB);
    }
}
