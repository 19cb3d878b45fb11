package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantChoicesTest {

    static final long GIB = 1L << 30, MIB = 1L << 20;
    static final Headers.Shape SHAPE = Headers.Shape.llama1b();
    static final EstimateOptions OPTS = EstimateOptions.defaults().withContextLength(4096).withGpuLayers(-1);

    static QuantFile quant(String label, GgufFile f) {
        return new QuantFile(label, List.of(f), f.fileSize());
    }

    static final List<QuantFile> QUANTS = List.of(
            quant("Q8_0", Headers.of(SHAPE, GgmlType.Q8_0)),
            quant("Q4_K_M", Headers.q4km(SHAPE)),
            quant("IQ3_S", Headers.of(SHAPE, GgmlType.IQ3_S)),
            quant("Q5_K_S", Headers.of(SHAPE, GgmlType.Q5_K)));

    @Test
    void stopsAreOrderedBySizeAndPinTheUsualQuants() {
        List<QuantStop> stops = QuantChoices.stops(QUANTS, OPTS, Hardware.cpuOnly(32 * GIB, 24 * GIB, 8));
        assertThat(stops).extracting(QuantStop::label).containsExactly("IQ3_S", "Q4_K_M", "Q5_K_S", "Q8_0");
        assertThat(stops).filteredOn(QuantStop::pinned).extracting(QuantStop::label).containsExactly("IQ3_S", "Q4_K_M", "Q5_K_S");
        assertThat(stops).extracting(QuantStop::tokensPerSecond).allMatch(t -> t > 0);
    }

    @Test
    void theLargestQuantThatFitsOnTheGpuIsRecommended() {
        Hardware hw = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("CUDA0", "t", 8 * GIB, 8 * GIB)));
        var stops = QuantChoices.stops(QUANTS, OPTS, hw);
        assertThat(QuantChoices.recommended(stops)).get().extracting(QuantStop::label).isEqualTo("Q8_0");
    }

    @Test
    void aGpuTooSmallForTheBigQuantsRecommendsTheLargestThatFitsOnIt() {
        GgufFile q4 = Headers.q4km(SHAPE);
        long q4Vram = MemoryEstimator.estimate(q4, OPTS, Hardware.cpuOnly(0, 0, 1).withGpus(List.of(new GpuDevice("CUDA0", "t", 8 * GIB, 8 * GIB)))).vramBytes();
        long free = q4Vram + 300 * MIB;
        Hardware hw = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("CUDA0", "t", free, 4 * GIB)));
        var stops = QuantChoices.stops(QUANTS, OPTS, hw);
        assertThat(QuantChoices.recommended(stops)).get().extracting(QuantStop::label).isEqualTo("Q4_K_M");
        assertThat(stops.getLast().verdict()).isEqualTo(Verdict.PARTLY_ON_GPU);
    }

    @Test
    void onASlowCpuOnlyMachineTheFastestFittingQuantWins() {
        // 1 GB models at 40 GB/s read ~40 tokens/s; all fit in RAM, so the largest at good speed is recommended
        var stops = QuantChoices.stops(QUANTS, OPTS, Hardware.cpuOnly(32 * GIB, 24 * GIB, 8));
        assertThat(QuantChoices.recommended(stops)).get().extracting(QuantStop::label).isEqualTo("Q8_0");
        // with 1200 MiB free, Q8_0 does not fit; Q4_K_M's CPU_REPACK copy makes it need more RAM than Q5_K_S
        var tight = QuantChoices.stops(QUANTS, OPTS, Hardware.cpuOnly(2 * GIB, 1200 * MIB, 2));
        assertThat(tight.getLast().verdict()).isEqualTo(Verdict.DOES_NOT_FIT);
        QuantStop pick = QuantChoices.recommended(tight).orElseThrow();
        assertThat(pick.label()).isEqualTo("Q5_K_S");
        assertThat(pick.estimate().ramBytes()).isLessThanOrEqualTo(1200 * MIB);
        assertThat(tight.get(1).estimate().ramBytes()).as("Q4_K_M with its repack copy").isGreaterThan(pick.estimate().ramBytes());
    }
}
