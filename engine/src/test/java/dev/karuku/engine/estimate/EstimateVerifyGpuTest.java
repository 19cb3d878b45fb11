package dev.karuku.engine.estimate;

import dev.karuku.engine.llama.KvCacheType;
import dev.karuku.engine.llama.FlashAttention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.HardwareProbe;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// `--verify` with layers on a GPU: the software Vulkan device (lavapipe, `GGML_VK_VISIBLE_DEVICES=0`) at 0, half,
/// all blocks and all units. Weights and KV per device must match within 3%; RAM and VRAM totals must not be
/// underestimated by more than 2% (GPU compute buffers are a calibrated approximation, see docs/memory-estimates.md).
@Tag("gpu")
class EstimateVerifyGpuTest {

    /// At partial offload the host compute buffer is checked to 3% like weights and KV.
    static final List<String> EXACT_PARTS = List.of("weights.cpu", "weights.gpu", "kv.cpu", "kv.gpu", "output", "compute.cpu");
    /// At full offload the GPU compute buffer is checked to 3% too.
    static final List<String> FULL_OFFLOAD_PARTS = List.of("weights.cpu", "weights.gpu", "kv.cpu", "kv.gpu", "output",
            "compute.cpu", "compute.gpu");
    /// With CPU layers the GPU compute buffer also holds weight and KV copies whose placement in ggml's allocator
    /// leaves holes of 0 to 3 activation rows that a closed form cannot see (measured: a band about 12% wide on our
    /// 64 MiB buffers). The estimate adds two rows so that it leans high: never more than 3% under, at most 12% over.
    static final double PARTIAL_COMPUTE_UNDER = -3.0;
    static final double PARTIAL_COMPUTE_OVER = 12.0;
    static final Path TABLE = Path.of("target", "estimate-verify", "vulkan.md");

    static Stream<Arguments> cases() {
        FileType q4 = FileType.MOSTLY_Q4_K_M, q5 = FileType.MOSTLY_Q5_K_S, iq3 = FileType.MOSTLY_IQ3_S;
        return Stream.of(
                Arguments.of("llama", VerifyModels.LLAMA, q4, 0, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, q4, 1, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, q4, 2, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, q4, 4, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, q4, 5, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, q4, 0, 4096, FlashAttention.OFF),
                Arguments.of("llama", VerifyModels.LLAMA, q4, 2, 4096, FlashAttention.OFF),
                Arguments.of("llama", VerifyModels.LLAMA, q4, 5, 4096, FlashAttention.OFF),
                Arguments.of("llama", VerifyModels.LLAMA, q5, 2, 8192, FlashAttention.OFF),
                Arguments.of("llama", VerifyModels.LLAMA, q5, 5, 8192, FlashAttention.OFF),
                Arguments.of("tied", VerifyModels.TIED, q4, 0, 4096, FlashAttention.AUTO),
                Arguments.of("tied", VerifyModels.TIED, q4, 2, 4096, FlashAttention.AUTO),
                Arguments.of("tied", VerifyModels.TIED, q4, 4, 4096, FlashAttention.AUTO),
                Arguments.of("tied", VerifyModels.TIED, q4, 4, 8192, FlashAttention.OFF),
                Arguments.of("gemma3", VerifyModels.GEMMA3, q4, 0, 4096, FlashAttention.AUTO),
                Arguments.of("gemma3", VerifyModels.GEMMA3, q4, 3, 4096, FlashAttention.AUTO),
                Arguments.of("gemma3", VerifyModels.GEMMA3, q4, 7, 4096, FlashAttention.AUTO),
                Arguments.of("gemma3", VerifyModels.GEMMA3, iq3, 7, 8192, FlashAttention.OFF));
    }

    @ParameterizedTest(name = "{0} {2} ngl {3} ctx {4} fa {5}")
    @MethodSource("cases")
    void estimateMatchesLlamaCppOnTheSoftwareVulkanDevice(String name, ModelShape shape, FileType type, int ngl, int ctx,
                                                           FlashAttention fa) throws Exception {
        Hardware hw = HardwareProbe.withLlamaDevices().snapshot();
        assumeTrue(hw.hasGpu(), "no Vulkan device (set GGML_VK_VISIBLE_DEVICES=0 with lavapipe installed)");
        Path model = VerifyModels.get(name, shape, type);
        var o = new EstimateOptions(ngl, ctx, KvCacheType.F16, fa, 512, 2048, true, true, true);
        var r = Verifier.verify(model, o, hw);
        boolean full = ngl == shape.blocks() + 1;
        VerifyTable.check(String.format("%s %s ctx %d fa %s ngl %d/%d (Vulkan)", name, type.label(), ctx, fa, ngl, shape.blocks() + 1),
                r, full ? FULL_OFFLOAD_PARTS : EXACT_PARTS, TABLE);
        PartError gpu = r.errors().stream().filter(p -> p.part().equals("compute.gpu")).findFirst().orElseThrow();
        if (!full) {
            assertThat(gpu.errorPct()).as("compute.gpu at partial offload (allocator fragmentation band)")
                    .isBetween(PARTIAL_COMPUTE_UNDER, PARTIAL_COMPUTE_OVER);
        }
    }
}
