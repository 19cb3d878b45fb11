package dev.karuku.engine.worker;

import dev.karuku.engine.hardware.Hardware;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// The supervisor learns the machine from a worker, without loading natives itself.
class WorkerHardwareTest {

    @Test
    void aShortLivedWorkerDescribesTheCpuBackendLlamaCppLoaded() {
        Hardware hw = WorkerHardware.snapshot(List.of());
        assertThat(hw.cpu().source()).isEqualTo("ggml"); // reported by the natives, not guessed from the OS
        assertThat(hw.cpu().features()).isNotEmpty();
        assertThat(hw.totalRamBytes()).isPositive();
    }
}
