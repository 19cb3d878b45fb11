package dev.karuku.engine.estimate;

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

    static final List<String> EXACT_PARTS = List.of("weights.cpu", "weights.gpu", "kv.cpu", "kv.gpu", "output");
    static final Path TABLE = Path.of("target", "estimate-verify", "vulkan.md");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("llama", VerifyModels.LLAMA, 0, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, 2, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, 4, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, 5, 2048, FlashAttention.AUTO),
                Arguments.of("llama", VerifyModels.LLAMA, 5, 4096, FlashAttention.OFF),
                Arguments.of("llama", VerifyModels.LLAMA, 2, 4096, FlashAttention.OFF),
                Arguments.of("tied", VerifyModels.TIED, 0, 4096, FlashAttention.AUTO),
                Arguments.of("tied", VerifyModels.TIED, 2, 4096, FlashAttention.AUTO),
                Arguments.of("tied", VerifyModels.TIED, 4, 4096, FlashAttention.AUTO),
                Arguments.of("gemma3", VerifyModels.GEMMA3, 0, 4096, FlashAttention.AUTO),
                Arguments.of("gemma3", VerifyModels.GEMMA3, 3, 4096, FlashAttention.AUTO),
                Arguments.of("gemma3", VerifyModels.GEMMA3, 7, 4096, FlashAttention.AUTO));
    }

    @ParameterizedTest(name = "{0} Q4_K_M ngl {2} ctx {3} fa {4}")
    @MethodSource("cases")
    void estimateMatchesLlamaCppOnTheSoftwareVulkanDevice(String name, ModelShape shape, int ngl, int ctx,
                                                           FlashAttention fa) throws Exception {
        Hardware hw = HardwareProbe.withLlamaDevices().snapshot();
        assumeTrue(hw.hasGpu(), "no Vulkan device (set GGML_VK_VISIBLE_DEVICES=0 with lavapipe installed)");
        Path model = VerifyModels.get(name, shape, FileType.MOSTLY_Q4_K_M);
        var o = new EstimateOptions(ngl, ctx, KvCacheType.F16, fa, 512, 2048, true, true, true);
        var r = Verifier.verify(model, o, hw);
        VerifyTable.check(String.format("%s Q4_K_M ctx %d fa %s ngl %d/%d (Vulkan)", name, ctx, fa, ngl, shape.blocks() + 1),
                r, EXACT_PARTS, TABLE);
    }
}
