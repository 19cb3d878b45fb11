package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.llama.LlamaRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/// Small models of realistic proportions (GQA 2:1 to 7:1, head dims 64/128/256, vocab 32000, a few blocks), written as
/// F16 with random weights and quantized by llama.cpp itself, cached per test run.
final class VerifyModels {

    /// Untied llama, head dim 64, GQA 4:1.
    static final ModelShape LLAMA = new ModelShape("llama", 4, 512, 1536, 8, 2, 64, 32000, 4096, false, 0);
    /// Tied llama (small-Qwen style), head dim 128, GQA 4:1.
    static final ModelShape TIED = new ModelShape("llama", 3, 1024, 2816, 8, 2, 128, 32000, 8192, true, 0);
    /// Gemma 3 proportions: one KV head of 256, q wider than the embedding, sliding window 512 on 5 of 6 layers.
    static final ModelShape GEMMA3 = new ModelShape("gemma3", 6, 768, 2048, 4, 1, 256, 32000, 8192, true, 512);
    /// Qwen2.5-0.5B proportions: n_embd 896 (not a multiple of 256, so Q4_K_M falls back to Q5_0 there), 14 heads / 2
    /// KV heads of 64 (GQA 7:1), Q/K/V biases, tied.
    static final ModelShape QWEN2 = new ModelShape("qwen2", 3, 896, 4864, 14, 2, 64, 32000, 32768, true, 0);
    /// Qwen3-0.6B proportions: 16 heads / 8 KV heads of 128, so Q (2048) is wider than the embedding (1024), q/k norms,
    /// tied.
    static final ModelShape QWEN3 = new ModelShape("qwen3", 3, 1024, 3072, 16, 8, 128, 32000, 40960, true, 0);

    /// The model recorded on an Intel Xeon with AMX (test resources `estimate/cpu-amx/`): 8 blocks of 1024, 16 heads / 4
    /// KV heads of 64, feed-forward 4096, untied.
    static final ModelShape MID = new ModelShape("llama", 8, 1024, 4096, 16, 4, 64, 32000, 4096, false, 0);

    /// Qwen3-30B-A3B proportions scaled down: qwen3's attention (16 heads / 4 KV heads of 128, q/k norms) and a
    /// mixture-of-experts feed-forward of 8 experts of width 768, 2 used per token (router `ffn_gate_inp`, experts in
    /// 3-D `ffn_{gate,up,down}_exps`), untied.
    static final ModelShape QWEN3MOE = new ModelShape("qwen3moe", 3, 1024, 768, 16, 4, 128, 32000, 40960, false, 0, 8, 2);

    private static final Map<String, Path> CACHE = new ConcurrentHashMap<>();
    private static Path dir;

    private VerifyModels() {}

    static synchronized Path get(String name, ModelShape shape, FileType type) {
        return CACHE.computeIfAbsent(name + "-" + type.label(), k -> {
            try {
                if (dir == null) {
                    dir = Files.createTempDirectory("karuku-estimate");
                    dir.toFile().deleteOnExit();
                }
                Path f16 = dir.resolve(name + "-F16.gguf");
                if (!Files.exists(f16)) TestModels.write(f16, shape, GgmlType.F16);
                if (type == FileType.MOSTLY_F16) return f16;
                Path out = dir.resolve(k + ".gguf");
                LlamaRuntime.load().quantize(f16, out, type, CpuInfo.physicalCores(), null);
                out.toFile().deleteOnExit();
                f16.toFile().deleteOnExit();
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
