package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.verify.Verifier;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// `--verify` on the CPU: the estimate of every part llama.cpp reports is within 3% of what it logs, and the total
/// is never underestimated by more than 2%, across shapes, quants, contexts, cache types and flash-attention modes, with
/// the extra buffer types (AMX, CPU_REPACK) that the CPU running the test offers, as ggml reports them.
class EstimateVerifyCpuTest {

    static final List<String> ALL_PARTS = List.of("weights.cpu", "weights.repack", "kv.cpu", "compute.cpu", "output");
    static final Path TABLE = Path.of("target", "estimate-verify", "cpu.md");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("llama", VerifyModels.LLAMA, FileType.MOSTLY_Q4_K_M, 2048, FlashAttention.AUTO, KvCacheType.F16),
                Arguments.of("llama", VerifyModels.LLAMA, FileType.MOSTLY_Q5_K_S, 4096, FlashAttention.OFF, KvCacheType.F16),
                Arguments.of("llama", VerifyModels.LLAMA, FileType.MOSTLY_IQ3_S, 2048, FlashAttention.ON, KvCacheType.Q8_0),
                Arguments.of("llama", VerifyModels.LLAMA, FileType.MOSTLY_Q4_K_M, 4096, FlashAttention.ON, KvCacheType.Q4_0),
                Arguments.of("tied", VerifyModels.TIED, FileType.MOSTLY_Q4_K_M, 8192, FlashAttention.AUTO, KvCacheType.F16),
                Arguments.of("tied", VerifyModels.TIED, FileType.MOSTLY_Q5_K_S, 2048, FlashAttention.OFF, KvCacheType.F16),
                Arguments.of("gemma3", VerifyModels.GEMMA3, FileType.MOSTLY_Q4_K_M, 4096, FlashAttention.AUTO, KvCacheType.F16),
                Arguments.of("gemma3", VerifyModels.GEMMA3, FileType.MOSTLY_IQ3_S, 8192, FlashAttention.OFF, KvCacheType.F16),
                Arguments.of("qwen2", VerifyModels.QWEN2, FileType.MOSTLY_Q4_K_M, 4096, FlashAttention.AUTO, KvCacheType.F16),
                Arguments.of("qwen3", VerifyModels.QWEN3, FileType.MOSTLY_Q4_K_M, 2048, FlashAttention.OFF, KvCacheType.F16),
                Arguments.of("qwen3moe", VerifyModels.QWEN3MOE, FileType.MOSTLY_Q4_K_M, 4096, FlashAttention.AUTO, KvCacheType.F16),
                Arguments.of("qwen3moe", VerifyModels.QWEN3MOE, FileType.MOSTLY_Q4_K_M, 2048, FlashAttention.OFF, KvCacheType.F16),
                // the model and options recorded on a Xeon with AMX (CpuExtraBuffersTest), here on this machine's CPU
                Arguments.of("mid", VerifyModels.MID, FileType.MOSTLY_Q4_0, 2048, FlashAttention.AUTO, KvCacheType.F16),
                Arguments.of("mid", VerifyModels.MID, FileType.MOSTLY_Q8_0, 2048, FlashAttention.AUTO, KvCacheType.F16));
    }

    @ParameterizedTest(name = "{0} {2} ctx {3} fa {4} kv {5}")
    @MethodSource("cases")
    void estimateMatchesLlamaCppOnTheCpu(String name, ModelShape shape, FileType type, int ctx, FlashAttention fa,
                                          KvCacheType kv) throws Exception {
        Path model = VerifyModels.get(name, shape, type);
        var o = EstimateOptions.defaults().withContextLength(ctx).withFlashAttention(fa).withKvType(kv);
        var r = Verifier.verify(model, o, LlamaHardware.cpuOnlyProbe().snapshot());
        VerifyTable.check(String.format("%s %s ctx %d fa %s kv %s ngl 0 (CPU)", name, type.label(), ctx, fa, kv), r,
                ALL_PARTS, TABLE);
    }
}
