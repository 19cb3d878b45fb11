package dev.karuku.engine.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HardwareTest {

    @Test
    void meminfoGivesTotalAndAvailableNotFree() {
        var ram = SystemMemory.parseMeminfo("""
                MemTotal:       16318480 kB
                MemFree:          512000 kB
                MemAvailable:    9000000 kB
                Cached:          7000000 kB
                """);
        assertThat(ram.total()).isEqualTo(16318480L * 1024);
        assertThat(ram.available()).isEqualTo(9000000L * 1024);
    }

    @Test
    void vmStatCountsFreeInactiveSpeculativeAndPurgeablePages() {
        String vm = """
                Mach Virtual Memory Statistics: (page size of 16384 bytes)
                Pages free:                               10000.
                Pages active:                            200000.
                Pages inactive:                           30000.
                Pages speculative:                         5000.
                Pages purgeable:                           1000.
                """;
        assertThat(SystemMemory.parseVmStat(vm, 1L << 40)).isEqualTo(46000L * 16384);
    }

    @Test
    void devicesAreInjectedAndEachSnapshotAsksAgain() {
        int[] calls = {0};
        var probe = new HardwareProbe(() -> {
            calls[0]++;
            return List.of(new GpuDevice("Vulkan0", "llvmpipe", calls[0] * 100L, 1000L));
        });
        Hardware a = probe.snapshot(), b = probe.snapshot();
        assertThat(a.totalRamBytes()).isPositive();
        assertThat(a.availableRamBytes()).isPositive().isLessThanOrEqualTo(a.totalRamBytes());
        assertThat(a.physicalCores()).isPositive();
        assertThat(a.primaryGpu()).get().extracting(GpuDevice::backend).isEqualTo(GpuBackend.VULKAN);
        assertThat(b.primaryGpu().orElseThrow().freeBytes()).isEqualTo(200);
        assertThat(a.unifiedMemory()).isFalse(); // not an Apple Silicon Mac
    }

    @Test
    void backendsAreRecognisedFromGgmlDeviceNames() {
        assertThat(GpuBackend.fromDeviceName("CUDA0")).isEqualTo(GpuBackend.CUDA);
        assertThat(GpuBackend.fromDeviceName("MTL0")).isEqualTo(GpuBackend.METAL);
        assertThat(GpuBackend.fromDeviceName("Vulkan1")).isEqualTo(GpuBackend.VULKAN);
    }
}
