package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;
import java.util.List;
import org.junit.jupiter.api.Test;

/// A model with its draft needs the memory of both, the draft sized with the model's own options (the engine loads
/// it with them); the GPU driver context is paid once.
class PairEstimateTest {
    static final long GIB = 1L << 30;
    static final Hardware CPU = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8);
    static final Hardware GPU = CPU.withGpus(List.of(new GpuDevice("Vulkan0", "test GPU", 8 * GIB, 8 * GIB)));
    static final GgufFile MODEL = Headers.q4km(Headers.Shape.llama1b());
    static final GgufFile DRAFT = Headers.q4km(new Headers.Shape("llama", 2, 512, 1024, 8, 4, 64, 32000, false, 0, 0, 0));

    @Test
    void onTheCpuThePairNeedsBothModelsWithTheModelsContext() {
        EstimateOptions o = EstimateOptions.defaults().withContextLength(4096);
        PairEstimate pair = PairEstimate.of(MODEL, DRAFT, o, CPU);

        MemoryEstimate model = MemoryEstimator.estimate(MODEL, o, CPU);
        MemoryEstimate draft = MemoryEstimator.estimate(DRAFT, o, CPU);
        assertThat(pair.ramBytes()).isEqualTo(model.ramBytes() + draft.ramBytes());
        assertThat(pair.ramBytes() - model.ramBytes()).as("the draft's share").isGreaterThan(DRAFT.tensorBytes());
        assertThat(pair.draft().contextLength()).as("the draft's context").isEqualTo(model.contextLength());
        assertThat(pair.vramBytes()).isZero();
    }

    @Test
    void onTheGpuTheDraftTakesTheModelsLayersAndTheDriverContextIsPaidOnce() {
        EstimateOptions o = EstimateOptions.defaults().withContextLength(2048).withGpuLayers(99);
        PairEstimate pair = PairEstimate.of(MODEL, DRAFT, o, GPU);

        MemoryEstimate model = MemoryEstimator.estimate(MODEL, o, GPU);
        MemoryEstimate draft = MemoryEstimator.estimate(DRAFT, o, GPU);
        assertThat(pair.draft().gpuLayers()).as("every draft layer, as the engine loads it").isEqualTo(3);
        assertThat(pair.vramBytes()).isEqualTo(model.vramBytes() + draft.vramBytes() - MemoryEstimator.GPU_OVERHEAD);
        assertThat(pair.vramBytes() - model.vramBytes()).as("the draft's share").isGreaterThan(DRAFT.tensorBytes());
    }
}
