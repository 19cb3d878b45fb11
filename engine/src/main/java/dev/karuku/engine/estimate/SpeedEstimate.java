package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.hardware.GpuBackend;
import dev.karuku.engine.hardware.Hardware;

/// A generation-speed estimate: token generation is memory-bound, so one token costs one read of every weight it
/// uses (for MoE only the used experts) plus the KV cache, at each device's memory bandwidth. Deliberately rough:
/// GPU bandwidths are constants per device kind, chosen for mainstream hardware and written down in
/// docs/memory-estimates.md; the CPU's comes from this machine when [MeasuredSpeeds] has probed it.
public final class SpeedEstimate {

    /// Dual-channel DDR4/DDR5 desktop RAM as llama.cpp actually reads it, for when nothing was measured.
    public static final double CPU_BYTES_PER_SECOND = 40e9;
    /// The share of a measured read bandwidth ([dev.karuku.engine.hardware.MemoryBandwidth]) that llama.cpp's CPU
    /// generation reaches: 57–72% on K-quants of the 1B-shape model on the dev machine (docs/benchmarks.md).
    public static final double CPU_EFFICIENCY = 0.65;
    /// Mainstream discrete GPUs (RTX 3060 ≈ 360 GB/s, RTX 4060 ≈ 272 GB/s), Vulkan a little slower than CUDA.
    public static final double CUDA_BYTES_PER_SECOND = 300e9;
    public static final double VULKAN_BYTES_PER_SECOND = 250e9;
    /// Apple Silicon unified memory (M1/M2 base ≈ 68–100 GB/s, Pro ≈ 200 GB/s).
    public static final double METAL_BYTES_PER_SECOND = 100e9;
    /// "Good speed": a little faster than people read (≈ 5 tokens/s).
    public static final double GOOD_TOKENS_PER_SECOND = 5.0;

    private SpeedEstimate() {}

    /// Tokens per second for the estimate's placement, with the KV cache read at half the context (an average chat),
    /// and RAM read at [#CPU_BYTES_PER_SECOND].
    public static double tokensPerSecond(GgufFile file, MemoryEstimate e, Hardware hw) {
        return tokensPerSecond(file, e, hw, CPU_BYTES_PER_SECOND);
    }

    /// The same with RAM read at `cpuBytesPerSecond` (this machine's, from [MeasuredSpeeds#cpuBytesPerSecond()]).
    public static double tokensPerSecond(GgufFile file, MemoryEstimate e, Hardware hw, double cpuBytesPerSecond) {
        ModelGeometry g = ModelGeometry.of(file);
        double activeFraction = 1.0;
        long expertBytes = 0, total = 0;
        for (TensorInfo t : file.tensors()) {
            total += t.bytes();
            if (t.name().contains("_exps")) expertBytes += t.bytes();
        }
        if (g.isMoe() && total > 0) {
            double used = (double) g.expertsUsed() / g.experts();
            activeFraction = (total - expertBytes + expertBytes * used) / total;
        }
        long embdRow = file.tensor("token_embd.weight").map(t -> t.bytes()).orElse(0L);
        double cpuBytes = Math.max(0, e.weights().cpu() - embdRow) * activeFraction + e.kv().cpu() / 2.0;
        double gpuBytes = e.weights().gpu() * activeFraction + e.kv().gpu() / 2.0;
        double gpuBw = hw.primaryGpu().map(d -> bandwidth(d.backend())).orElse(cpuBytesPerSecond);
        double seconds = cpuBytes / cpuBytesPerSecond + gpuBytes / gpuBw;
        return seconds <= 0 ? 0 : 1 / seconds;
    }

    static double bandwidth(GpuBackend b) {
        return switch (b) {
            case CUDA -> CUDA_BYTES_PER_SECOND;
            case METAL -> METAL_BYTES_PER_SECOND;
            case VULKAN, OTHER -> VULKAN_BYTES_PER_SECOND;
        };
    }
}
