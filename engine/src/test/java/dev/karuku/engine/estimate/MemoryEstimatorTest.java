package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.karuku.engine.estimate.replay.GpuComputeReplay;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufValue;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryEstimatorTest {

    static final long GIB = 1L << 30, MIB = 1L << 20;
    static final Hardware CPU = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8);
    static final Hardware GPU = CPU.withGpus(List.of(new GpuDevice("Vulkan0", "test GPU", 8 * GIB, 8 * GIB)));
    static final GgufFile LLAMA = Headers.q4km(Headers.Shape.llama1b());
    /// VerifyModels.QWEN3's header at Q4_K_M.
    static final GgufFile QWEN3 = Headers.q4km(new Headers.Shape("qwen3", 3, 1024, 3072, 16, 8, 128, 32000, true, 0, 0, 0));
    static final EstimateOptions CTX_2048 = EstimateOptions.defaults().withContextLength(2048);

    static MemoryEstimate at(GgufFile f, int ngl, Hardware hw) {
        return MemoryEstimator.estimate(f, CTX_2048.withGpuLayers(ngl), hw);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 16, 17})
    void weightsAddUpToExactlyTheTensorBytesAtEveryOffload(int ngl) {
        MemoryEstimate e = at(LLAMA, ngl, GPU);
        assertThat(e.weights().cpu() + e.weights().gpu()).isEqualTo(LLAMA.tensorBytes());
    }

    @Test
    void theOutputLayerIsOffloadedFirstAndTheTokenEmbeddingNever() {
        long output = Headers.bytesOf(LLAMA, "output.weight") + Headers.bytesOf(LLAMA, "output_norm.weight");
        long embd = Headers.bytesOf(LLAMA, "token_embd.weight");
        assertThat(at(LLAMA, 0, GPU).weights().gpu()).isZero();
        assertThat(at(LLAMA, 1, GPU).weights().gpu()).isEqualTo(output);
        long lastBlock = LLAMA.tensors().stream().filter(t -> t.name().startsWith("blk.15.")).mapToLong(TensorInfo::bytes).sum();
        assertThat(at(LLAMA, 2, GPU).weights().gpu()).isEqualTo(output + lastBlock);
        assertThat(at(LLAMA, 17, GPU).weights().cpu()).isEqualTo(embd);
        assertThat(at(LLAMA, 16, GPU).weights().cpu()).isEqualTo(embd + LLAMA.tensors().stream()
                .filter(t -> t.name().startsWith("blk.0.")).mapToLong(TensorInfo::bytes).sum());
    }

    @Test
    void gpuLayersBeyondTheModelClampAndMinusOneMeansAll() {
        assertThat(at(LLAMA, 99, GPU).gpuLayers()).isEqualTo(17);
        assertThat(at(LLAMA, -1, GPU).weights()).isEqualTo(at(LLAMA, 17, GPU).weights());
    }

    @Test
    void withoutAGpuEverythingStaysInRam() {
        MemoryEstimate e = at(LLAMA, 17, CPU);
        assertThat(e.gpuLayers()).isZero();
        assertThat(e.vramBytes()).isZero();
        assertThat(e.weights().cpu()).isEqualTo(LLAMA.tensorBytes());
    }

    @Test
    void tiedEmbeddingsAreCopiedToTheGpuWithTheOutputLayer() {
        GgufFile tied = Headers.q4km(Headers.Shape.llama1b().withTied(true));
        long embd = Headers.bytesOf(tied, "token_embd.weight");
        long norm = Headers.bytesOf(tied, "output_norm.weight");
        MemoryEstimate one = at(tied, 1, GPU);
        assertThat(one.weights().gpu()).isEqualTo(embd + norm);
        assertThat(one.weights().cpu()).isEqualTo(tied.tensorBytes() - norm);
        assertThat(at(tied, 0, GPU).weights().gpu()).isZero();
    }

    @Test
    void kvCacheMatchesTheFormulaForEachCacheType() {
        // 16 layers × cells × 8 KV heads × 64 dims, K and V
        long elements = 16L * 2048 * 8 * 64 * 2;
        assertThat(at(LLAMA, 0, CPU).kv().cpu()).isEqualTo(elements * 2).isEqualTo(64 * MIB);
        var q8 = MemoryEstimator.estimate(LLAMA, CTX_2048.withKvType(KvCacheType.Q8_0), CPU);
        assertThat(q8.kv().cpu()).isEqualTo(elements / 32 * 34);
        var q4 = MemoryEstimator.estimate(LLAMA, CTX_2048.withKvType(KvCacheType.Q4_0), CPU);
        assertThat(q4.kv().cpu()).isEqualTo(elements / 32 * 18);
    }

    @Test
    void kvCacheOfEachLayerLivesOnThatLayersDevice() {
        MemoryEstimate e = at(LLAMA, 8, GPU); // i_gpu_start = 17 - 8 = 9: blocks 9…15 on the GPU
        assertThat(e.kv().gpu()).isEqualTo(7 * 4 * MIB);
        assertThat(e.kv().cpu()).isEqualTo(9 * 4 * MIB);
    }

    @Test
    void contextIsPaddedTo256AndZeroMeansTheTrainingContext() {
        assertThat(MemoryEstimator.estimate(LLAMA, CTX_2048.withContextLength(2000), CPU).contextLength()).isEqualTo(2048);
        assertThat(MemoryEstimator.estimate(LLAMA, CTX_2048.withContextLength(0), CPU).contextLength()).isEqualTo(8192);
    }

    @Test
    void slidingWindowLayersCacheOnlyTheWindowPlusOneUbatchWithoutSwaFull() {
        GgufFile gemma = Headers.q4km(Headers.Shape.gemma3());
        ModelGeometry g = ModelGeometry.of(gemma);
        assertThat(g.swaLayers()).containsExactly(true, true, true, true, true, false);
        MemoryEstimate e = MemoryEstimator.estimate(gemma, CTX_2048.withContextLength(8192).withSwaFull(false), CPU);
        long row = 2L * 256 * 1 * 2; // K and V, one KV head of 256, f16
        long swaCells = 1024; // pad256(512 + 512)
        assertThat(e.kv().cpu()).isEqualTo(5 * swaCells * row + 8192 * row);
        assertThat(e.approximate()).isFalse();
    }

    @Test
    void llamaCppsDefaultSwaFullGivesSlidingWindowLayersTheWholeContext() {
        GgufFile gemma = Headers.q4km(Headers.Shape.gemma3());
        MemoryEstimate e = MemoryEstimator.estimate(gemma, CTX_2048.withContextLength(8192), CPU);
        assertThat(e.kv().cpu()).isEqualTo(6 * 8192L * 2 * 256 * 2);
    }

    @Test
    void aPerLayerSlidingWindowArrayOverridesTheArchitecturesPattern() {
        var pattern = new GgufValue.Array(GgufValue.Type.BOOL, List.of(new GgufValue.Bool(false), new GgufValue.Bool(true),
                new GgufValue.Bool(false), new GgufValue.Bool(true), new GgufValue.Bool(false), new GgufValue.Bool(true)));
        GgufFile f = Headers.build(Headers.Shape.gemma3(), GgmlType.Q4_K, true, Map.of("gemma3.attention.sliding_window_pattern", pattern));
        assertThat(ModelGeometry.of(f).swaLayers()).containsExactly(false, true, false, true, false, true);
    }

    @Test
    void moeExpertsAreWeightsLikeAnyOtherAndTheEstimateSaysItIsApproximate() {
        GgufFile moe = Headers.q4km(Headers.Shape.moe());
        ModelGeometry g = ModelGeometry.of(moe);
        assertThat(g.experts()).isEqualTo(8);
        assertThat(g.expertsUsed()).isEqualTo(2);
        MemoryEstimate e = MemoryEstimator.estimate(moe, CTX_2048, CPU);
        assertThat(e.weights().cpu()).isEqualTo(moe.tensorBytes());
        assertThat(e.reasons()).anyMatch(r -> r.contains("MoE"));
    }

    @Test
    void qwen3moeIsReplayedAndNotApproximateAtAnyOffload() {
        GgufFile moe = Headers.q4km(Headers.Shape.moe().withArch("qwen3moe"));
        assertThat(MemoryEstimator.estimate(moe, CTX_2048, CPU).reasons()).isEmpty();
        for (int ngl = 0; ngl <= 5; ngl++) assertThat(MemoryEstimator.estimate(moe, CTX_2048.withGpuLayers(ngl), GPU).reasons()).isEmpty();
        // Other MoE graphs keep the closed form and say so.
        assertThat(MemoryEstimator.estimate(Headers.q4km(Headers.Shape.moe()), CTX_2048, CPU).reasons()).anyMatch(r -> r.contains("MoE"));
        // The replay follows the experts: more used experts, wider feed-forward tensors on the CPU-only peak.
        long two = MemoryEstimator.estimate(moe, CTX_2048, CPU).compute().cpu();
        long all = MemoryEstimator.estimate(Headers.q4km(new Headers.Shape("qwen3moe", 4, 1024, 4096, 8, 2, 128, 1024,
                false, 0, 8, 8)), CTX_2048, CPU).compute().cpu();
        assertThat(all).isGreaterThan(two);
    }

    @Test
    void unknownArchitecturesAndLatentAttentionAreFlaggedApproximate() {
        GgufFile odd = Headers.q4km(Headers.Shape.llama1b().withArch("mamba2"));
        assertThat(MemoryEstimator.estimate(odd, CTX_2048, CPU).approximate()).isTrue();
        var extra = Map.<String, GgufValue>of("deepseek2.attention.kv_lora_rank", new GgufValue.Int(Headers.U32, 512));
        GgufFile mla = Headers.build(Headers.Shape.llama1b().withArch("deepseek2"), GgmlType.Q4_K, true, extra);
        assertThat(MemoryEstimator.estimate(mla, CTX_2048, CPU).reasons()).anyMatch(r -> r.contains("MLA"));
        assertThat(MemoryEstimator.estimate(LLAMA, CTX_2048, CPU).approximate()).isFalse();
    }

    @Test
    void aQuantizedVCacheNeedsFlashAttention() {
        assertThatThrownBy(() -> CTX_2048.withFlashAttention(FlashAttention.OFF).withKvType(KvCacheType.Q8_0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flash attention");
    }

    @Test
    void cpuRepackCopiesQ4KMatricesButNotWithAGpuBackend() {
        MemoryEstimate cpu = at(LLAMA, 0, CPU);
        long q4k = LLAMA.tensors().stream().filter(t -> t.type() == GgmlType.Q4_K && !t.name().startsWith("token"))
                .mapToLong(TensorInfo::bytes).sum();
        assertThat(cpu.repackBytes()).isEqualTo(q4k);
        assertThat(cpu.ramBytes()).isGreaterThan(cpu.weights().cpu() + q4k);
        assertThat(at(LLAMA, 0, GPU).repackBytes()).isZero();
        var noRepack = CTX_2048.withCpuRepack(false);
        assertThat(MemoryEstimator.estimate(LLAMA, noRepack, CPU).repackBytes()).isZero();
    }

    @Test
    void flashAttentionOffGrowsTheComputeBufferWithContextAndHeads() {
        var off = CTX_2048.withFlashAttention(FlashAttention.OFF);
        long c2k = MemoryEstimator.estimate(LLAMA, off, CPU).compute().cpu();
        long c8k = MemoryEstimator.estimate(LLAMA, off.withContextLength(8192), CPU).compute().cpu();
        // the f32 KQ matrix [n_kv, ubatch, heads] plus the f32 mask: (32 + 1) × 4 bytes × 512 per cell
        assertThat(c8k - c2k).isEqualTo(6144L * 512 * 33 * 4);
        long on8k = MemoryEstimator.estimate(LLAMA, CTX_2048.withContextLength(8192), CPU).compute().cpu();
        assertThat(on8k).isLessThan(c8k / 5);
    }

    @Test
    void aKqMatrixTooBigForSomeVulkanBuffersIsFlaggedOnlyWithoutFlashAttentionOnVulkan() {
        var off = CTX_2048.withFlashAttention(FlashAttention.OFF).withGpuLayers(8);
        // 32 heads × 512 tokens × 2048 cells × 4 bytes = 128 MiB fits lavapipe's buffers; 4096 cells do not.
        assertThat(MemoryEstimator.estimate(LLAMA, off, GPU).approximate()).isFalse();
        MemoryEstimate long4k = MemoryEstimator.estimate(LLAMA, off.withContextLength(4096), GPU);
        assertThat(long4k.approximate()).isTrue();
        assertThat(long4k.reasons()).anySatisfy(r -> assertThat(r).contains("KQ matrix is 256 MiB"));
        assertThat(MemoryEstimator.estimate(LLAMA, off.withContextLength(4096).withFlashAttention(FlashAttention.ON), GPU)
                .approximate()).isFalse();
        Hardware cuda = CPU.withGpus(List.of(new GpuDevice("CUDA0", "test GPU", 8 * GIB, 8 * GIB)));
        assertThat(MemoryEstimator.estimate(LLAMA, off.withContextLength(4096), cuda).approximate()).isFalse();
    }

    @Test
    void atPartialOffloadTheGpuComputeBufferHoldsTheCpuBlocksCopiedWeights() {
        // The replay: CPU blocks' matrix products run on the GPU with their weights copied in, so with CPU blocks the
        // buffer is at least the full-offload one, and at ngl 0 the output matrix is copied in for the logits too.
        long full = MemoryEstimator.estimate(LLAMA, CTX_2048.withGpuLayers(17), GPU).compute().gpu();
        long half = MemoryEstimator.estimate(LLAMA, CTX_2048.withGpuLayers(8), GPU).compute().gpu();
        long none = MemoryEstimator.estimate(LLAMA, CTX_2048.withGpuLayers(0), GPU).compute().gpu();
        assertThat(half).isGreaterThanOrEqualTo(full);
        assertThat(none - full).isGreaterThanOrEqualTo(Headers.bytesOf(LLAMA, "output.weight"));
    }

    @Test
    void qwen2AndQwen3GraphsAreReplayedWithTheirBiasesAndQkNorms() {
        Headers.Shape shape = Headers.Shape.llama1b();
        assertThat(ModelGeometry.of(Headers.q4km(shape.withArch("qwen2"))).replayLayout()).contains(GpuComputeReplay.Layout.LLAMA);
        assertThat(ModelGeometry.of(Headers.q4km(shape.withArch("qwen3"))).replayLayout()).contains(GpuComputeReplay.Layout.QWEN3);
        assertThat(ModelGeometry.of(Headers.q4km(Headers.Shape.moe().withArch("qwen3moe"))).replayLayout())
                .contains(GpuComputeReplay.Layout.QWEN3MOE);
        assertThat(ModelGeometry.of(Headers.q4km(Headers.Shape.moe())).replayLayout()).isEmpty();
        var off = CTX_2048.withFlashAttention(FlashAttention.OFF);
        long llama = MemoryEstimator.estimate(LLAMA, off.withGpuLayers(17), GPU).compute().gpu();
        // A bias ADD runs in place over its projection: with every weight on the GPU it costs nothing.
        MemoryEstimate qwen2 = MemoryEstimator.estimate(Headers.q4km(shape.withArch("qwen2")), off.withGpuLayers(17), GPU);
        assertThat(qwen2.compute().gpu()).isEqualTo(llama);
        assertThat(qwen2.approximate()).isFalse();
        // VerifyModels.QWEN3 at ngl 2 (two blocks on the CPU), 512 cells, no flash attention: llama.cpp logged 72.50
        // MiB. The q/k norms add a weight copy and a tensor (the norm of a reshape, a view, cannot run in place) per
        // CPU block: replayed as a llama graph it came out 64.50 MiB.
        MemoryEstimate e = MemoryEstimator.estimate(QWEN3, off.withContextLength(512).withGpuLayers(2), GPU);
        assertThat(e.compute().gpu()).isEqualTo(145 * MIB / 2);
        assertThat(e.approximate()).isFalse();
    }

    @Test
    void aGpuComputeBufferThatIsNotReplayedIsFlaggedApproximate() {
        GgufFile phi3 = Headers.q4km(Headers.Shape.llama1b().withArch("phi3"));
        assertThat(at(phi3, 8, GPU).reasons()).anySatisfy(r -> assertThat(r).contains("'phi3' is a closed form"));
        assertThat(at(phi3, 0, CPU).approximate()).isFalse();
        assertThat(at(LLAMA, 8, GPU).approximate()).isFalse();
        assertThat(MemoryEstimator.estimate(LLAMA, CTX_2048.withGpuLayers(8).withUbatch(16), GPU).reasons())
                .anySatisfy(r -> assertThat(r).contains("micro-batch under 32 tokens"));
    }

    @Test
    void withCpuBlocksTheHostBufferHoldsTheirNewKAndVBesideAnEmbeddingRow() {
        // VerifyModels.QWEN3 (K and V rows of 1024 each, n_embd 1024), 512 cells, flash attention: llama.cpp logged a
        // 6.51 MiB Vulkan_Host buffer with blocks on the CPU and 4.51 MiB with all on the GPU.
        var o = CTX_2048.withContextLength(512);
        assertThat(MemoryEstimator.estimate(QWEN3, o.withGpuLayers(3), GPU).compute().cpu())
                .isBetween(651 * MIB / 100, 651 * MIB / 100 + (16 << 10));
        assertThat(MemoryEstimator.estimate(QWEN3, o.withGpuLayers(4), GPU).compute().cpu())
                .isBetween(451 * MIB / 100, 451 * MIB / 100 + (16 << 10));
    }

    @Test
    void unifiedMemoryCountsVramAsPartOfRam() {
        Hardware mac = new Hardware(16 * GIB, 12 * GIB, 8, List.of(new GpuDevice("MTL0", "Apple M2", 10 * GIB, 10 * GIB)),
                true, CpuBackend.guess("aarch64", ""), "Mac OS X", "aarch64");
        MemoryEstimate e = at(LLAMA, 17, mac);
        assertThat(e.ramBytes()).isGreaterThanOrEqualTo(e.vramBytes() + e.weights().cpu());
    }
}
