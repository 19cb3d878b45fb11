package dev.karuku.engine.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/// The loaded backends describe their buffer types and the CPU backend its features through ggml's API, so the
/// estimator and `--verify` never have to guess from a buffer's name or the CPU's brand.
class BufferTypesTest {

    @Test
    void theCpuBackendNamesItsBuffersAndTheExtraTypesItsFeaturesCallFor() {
        LlamaRuntime rt = LlamaRuntime.load();
        List<BufferType> types = rt.bufferTypes();
        Map<String, String> features = rt.cpuFeatures();
        System.out.println("buffer types: " + types + "\nCPU features: " + features);

        assertThat(types).filteredOn(BufferType::inRam).extracting(BufferType::name).contains("CPU", "CPU_Mapped");
        assertThat(types).filteredOn(t -> t.name().equals("CPU")).singleElement()
                .satisfies(t -> assertThat(t.deviceType()).isEqualTo(DeviceType.CPU));
        List<String> extra = types.stream().filter(BufferType::cpuExtra).map(BufferType::name).toList();
        assertThat(types).filteredOn(BufferType::cpuExtra).allMatch(BufferType::inRam);
        // ggml offers AMX only where the CPU backend was built for it and the kernel granted the tiles.
        if (!features.containsKey("AMX_INT8")) assertThat(extra).doesNotContain("AMX");
        // The x86 builds compile CPU_REPACK in and say so; it has kernels on AVX2 and on ARM NEON.
        if (features.containsKey("REPACK") && (features.containsKey("AVX2") || features.containsKey("NEON"))) {
            assertThat(extra).contains("CPU_REPACK");
        }
        assertThat(extra).doesNotContain("CPU", "CPU_Mapped");
        // Every GPU buffer type that is not a host one is device memory.
        assertThat(types).filteredOn(t -> (t.deviceType() == DeviceType.GPU || t.deviceType() == DeviceType.IGPU) && !t.host())
                .noneMatch(BufferType::inRam);
    }
}
