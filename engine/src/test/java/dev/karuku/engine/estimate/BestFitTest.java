package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import java.util.List;
import org.junit.jupiter.api.Test;

/// The plan a model starts from where nobody chose: every layer that fits on the GPU with the safety margin, the
/// model's context up to the one asked for and cut to what fits, flash attention AUTO and an f16 cache.
class BestFitTest {

    static final long GIB = 1L << 30, MIB = 1L << 20;
    static final GgufFile LLAMA = Headers.q4km(Headers.Shape.llama1b()); // 16 blocks, trained for 8192 tokens
    static final EstimateOptions ASK_4096 = EstimateOptions.defaults().withContextLength(BestFit.DEFAULT_CONTEXT);

    static Hardware gpu(long freeBytes) {
        return Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("Vulkan0", "test", freeBytes, 8 * GIB)));
    }

    @Test
    void aRoomyGpuGetsEveryLayerAndTheContextAskedFor() {
        BestFit b = BestFit.of(LLAMA, ASK_4096, gpu(8 * GIB));
        assertThat(b.options().load().gpuLayers()).isEqualTo(17);
        assertThat(b.options().load().contextLength()).isEqualTo(4096);
        assertThat(b.options().load().flashAttention()).isEqualTo(FlashAttention.AUTO);
        assertThat(b.options().load().kvType()).isEqualTo(KvCacheType.F16);
        assertThat(b.verdict()).isEqualTo(Verdict.FITS_ON_GPU);
    }

    @Test
    void theContextIsTheModelsWhenItIsShorterOrWhenNoneIsAsked() {
        assertThat(BestFit.of(LLAMA, ASK_4096.withContextLength(32768), gpu(8 * GIB)).options().load().contextLength()).isEqualTo(8192);
        assertThat(BestFit.of(LLAMA, ASK_4096.withContextLength(0), gpu(8 * GIB)).options().load().contextLength()).isEqualTo(8192);
    }

    @Test
    void aSmallGpuGetsTheMostLayersThatFitUnderTheSafetyMargin() {
        Hardware hw = gpu(400 * MIB + Fit.safetyMargin(new GpuDevice("Vulkan0", "t", 0, 8 * GIB)) + MemoryEstimator.GPU_OVERHEAD);
        BestFit b = BestFit.of(LLAMA, ASK_4096, hw);
        assertThat(b.verdict()).isEqualTo(Verdict.PARTLY_ON_GPU);
        assertThat(b.options().load().gpuLayers()).isBetween(1, 16).isEqualTo(Fit.of(LLAMA, ASK_4096, hw).maxGpuLayers());
        long budget = hw.gpus().getFirst().freeBytes() - Fit.safetyMargin(hw.gpus().getFirst());
        assertThat(b.estimate().vramBytes()).isLessThanOrEqualTo(budget);
    }

    @Test
    void withLittleRamTheContextIsCutToWhatFits() {
        Hardware hw = Hardware.cpuOnly(4 * GIB, 1300 * MIB, 4);
        BestFit b = BestFit.of(LLAMA, ASK_4096.withContextLength(8192), hw);
        assertThat(b.options().load().gpuLayers()).isZero();
        assertThat(b.verdict()).isEqualTo(Verdict.CPU_ONLY);
        assertThat(b.options().load().contextLength()).isPositive().isLessThan(8192);
        assertThat(b.estimate().ramBytes()).isLessThanOrEqualTo(1300 * MIB);
    }

    @Test
    void quantizedKvCachesAreOfferedOnlyWithFlashAttentionOnOrAuto() {
        assertThat(BestFit.kvTypes(LLAMA, FlashAttention.AUTO)).containsExactly(KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0);
        assertThat(BestFit.kvTypes(LLAMA, FlashAttention.ON)).containsExactly(KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0);
        assertThat(BestFit.kvTypes(LLAMA, FlashAttention.OFF)).containsExactly(KvCacheType.F16);
    }
}
