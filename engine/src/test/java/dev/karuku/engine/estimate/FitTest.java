package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitTest {

    static final long GIB = 1L << 30, MIB = 1L << 20;
    static final GgufFile LLAMA = Headers.q4km(Headers.Shape.llama1b());
    static final EstimateOptions OPTS = EstimateOptions.defaults().withContextLength(4096).withGpuLayers(-1);

    static Hardware gpu(long freeBytes) {
        return Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("CUDA0", "test", freeBytes, 8 * GIB)));
    }

    @Test
    void aRoomyGpuTakesEveryLayer() {
        Fit f = Fit.of(LLAMA, OPTS, gpu(8 * GIB));
        assertThat(f.verdict()).isEqualTo(Verdict.FITS_ON_GPU);
        assertThat(f.maxGpuLayers()).isEqualTo(17);
        assertThat(f.maxContext()).isEqualTo(8192); // capped by the training context
    }

    @Test
    void aSmallGpuTakesAsManyLayersAsFitUnderTheSafetyMargin() {
        long free = 400 * MIB + Fit.safetyMargin(new GpuDevice("CUDA0", "t", 0, 8 * GIB)) + MemoryEstimator.GPU_OVERHEAD;
        Hardware hw = gpu(free);
        Fit f = Fit.of(LLAMA, OPTS, hw);
        assertThat(f.verdict()).isEqualTo(Verdict.PARTLY_ON_GPU);
        assertThat(f.maxGpuLayers()).isBetween(1, 16);
        long budget = free - Fit.safetyMargin(hw.gpus().getFirst());
        assertThat(f.best().vramBytes()).isLessThanOrEqualTo(budget);
        var oneMore = MemoryEstimator.estimate(LLAMA, OPTS.withGpuLayers(f.maxGpuLayers() + 1), hw);
        assertThat(oneMore.vramBytes()).isGreaterThan(budget);
    }

    @Test
    void withoutAGpuItRunsFromRamAndTooLittleRamSaysSo() {
        assertThat(Fit.of(LLAMA, OPTS, Hardware.cpuOnly(8 * GIB, 6 * GIB, 4)).verdict()).isEqualTo(Verdict.CPU_ONLY);
        Fit none = Fit.of(LLAMA, OPTS, Hardware.cpuOnly(GIB, 512 * MIB, 4));
        assertThat(none.verdict()).isEqualTo(Verdict.DOES_NOT_FIT);
        assertThat(none.maxContext()).isZero();
    }

    @Test
    void maxContextIsTheLongestThatStillFitsRam() {
        Hardware hw = Hardware.cpuOnly(4 * GIB, 1400 * MIB, 4);
        Fit f = Fit.of(LLAMA, OPTS, hw);
        assertThat(f.maxContext()).isPositive().isLessThan(8192);
        assertThat(MemoryEstimator.estimate(LLAMA, OPTS.withContextLength(f.maxContext()), hw).ramBytes()).isLessThanOrEqualTo(1400 * MIB);
        assertThat(MemoryEstimator.estimate(LLAMA, OPTS.withContextLength(f.maxContext() + 256), hw).ramBytes()).isGreaterThan(1400 * MIB);
    }
}
